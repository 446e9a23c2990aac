"""The interactive docs in a real browser: Swagger UI renders offline and "Try it out" works.

Unit tests can check the HTML and the OpenAPI document, but only a browser shows whether
Swagger UI actually loads its assets from the app, renders the operations and can call
the API the way a reader of the docs would.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

# The browser, page and recorder fixtures come from tests/e2e/conftest.py.
from tests.e2e.conftest import Recorder, Server

pytestmark = pytest.mark.e2e

# Parameters with a default (format=json): Swagger UI may send them; they do not narrow the list.
DEFAULT_PARAMS = {"limit", "sort", "format"}


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
