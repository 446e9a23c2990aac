"""The interactive docs in a real browser: Swagger UI renders offline and "Try it out" works.

Unit tests can check the HTML and the OpenAPI document, but only a browser shows whether
Swagger UI actually loads its assets from the app, renders the operations and can call
the API the way a reader of the docs would.
"""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import require
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
# Parameters with a default: Swagger UI may send them; they do not narrow the list.
DEFAULT_PARAMS = {"limit", "sort"}


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's Chromium driven by Playwright; never a browser Playwright would download."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "the playwright package is not installed")
    require(
        CHROMIUM.exists() or shutil.which("chromium") is not None,
        f"no Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Recorder:
    """What the page did: every request, uncaught script errors, answers of 400 and up."""

    requested: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(browser, server: Server, recorder: Recorder) -> Iterator:
    """A fresh page that records every request and is kept off the outside network."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("request", lambda request: recorder.requested.append(request.url))
    page.on("pageerror", lambda error: recorder.page_errors.append(str(error)))
    page.on("response", recorder.on_response)
    # The request event has recorded it by now; never actually leave the machine.
    local = server.base_url + "/"
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(local) else route.abort(),
    )
    yield page
    context.close()


@pytest.mark.parametrize(
    ("path", "expected_slug"),
    [
        ("/api/v1/events", "alpha-plan"),
        ("/api/v1/actors", "alpha-ministry"),
        ("/api/v1/sources", "gazette-one"),
        ("/api/v1/tags", "privacy"),
    ],
)
def test_swagger_ui_try_it_out_lists(
    server: Server, page, recorder: Recorder, tmp_path: Path, path: str, expected_slug: str
):
    """Render the docs, run a list operation untouched, and load nothing from elsewhere."""
    # Swagger UI marks each operation with its method class and a data-path attribute.
    operation = page.locator(f'.opblock-get:has(.opblock-summary-path[data-path="{path}"])')
    try:
        page.goto(server.url("/api/v1/docs"))
        operation.wait_for()  # rendered from /api/v1/openapi.json

        operation.locator(".opblock-summary-control").click()
        operation.get_by_role("button", name="Try it out").click()
        with page.expect_response(
            lambda response: (
                urlsplit(response.url).path == path and response.request.method == "GET"
            )
        ) as executed:
            operation.get_by_role("button", name="Execute").click()
        api_call = executed.value

        response_row = operation.locator(".live-responses-table .response").first
        status = response_row.locator(".response-col_status").inner_text().strip()
        body = response_row.locator(".response-col_description pre").first.inner_text()

        # Untouched, the form must ask for the first page of everything, not a sample query.
        prefilled = sorted(set(parse_qs(urlsplit(api_call.url).query)) - DEFAULT_PARAMS)
        assert not prefilled, (
            f"Swagger UI pre-filled {prefilled} (from the parameters' schema examples), "
            f"so Execute without typing anything sent {api_call.url} -> {api_call.status}"
        )
        assert api_call.status == 200, f"Execute called {api_call.url} -> {api_call.status}"
        assert status == "200", status
        assert expected_slug in body, body[:1000]
        assert not recorder.page_errors, recorder.page_errors
        assert not recorder.failed, recorder.failed
    except Exception as error:
        screenshot = tmp_path / "swagger-ui.png"
        page.screenshot(path=screenshot, full_page=True)
        error.add_note(f"screenshot: {screenshot}")
        raise

    outside = [url for url in recorder.requested if not url.startswith(server.base_url + "/")]
    assert not outside, f"the docs page reached beyond the app: {outside}"
    assert server.url("/api/v1/openapi.json") in recorder.requested
