"""The demo page at `/`: served by the app, with only local assets and links."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from timeline_api.country_outlines import OUTLINES_FILE
from timeline_api.demo import STATIC_DIR

INDEX_HTML = STATIC_DIR / "index.html"


class References(HTMLParser):
    """Every `src` and `href` in a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("src", "href") and value]


def references(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.found


# Read at collection time so that each reference is a test of its own.
PAGE_HTML = INDEX_HTML.read_text(encoding="utf-8")
PAGE_REFERENCES = [ref for ref in references(PAGE_HTML) if not ref.startswith("#")]
IN_PAGE_LINKS = [ref for ref in references(PAGE_HTML) if ref.startswith("#")]


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """The page is the same whatever the database: one backend is enough here."""
    return sqlite_database_url


def test_index_is_the_demo_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    assert "<h1>Data-sovereignty timeline</h1>" in html
    assert '<link rel="stylesheet" href="/demo/demo.css">' in html
    assert '<script src="/demo/demo.js" defer></script>' in html


def test_page_references_assets_docs_and_exports():
    assert {"/demo/demo.css", "/demo/demo.js", "/api/v1/docs"} <= set(PAGE_REFERENCES)
    exports = {ref for ref in PAGE_REFERENCES if ref.startswith("/api/v1/events.")}
    assert exports == {
        f"/api/v1/events.{fmt}"
        for fmt in ("csv", "ics", "atom", "timelinejs", "jsonld", "geojson", "vistimeline")
    }
    assert "/api/v1/datapackage.zip" in PAGE_REFERENCES


@pytest.mark.parametrize("reference", PAGE_REFERENCES)
def test_every_reference_is_local_and_answers(client, reference: str):
    parts = urlsplit(reference)
    # No scheme and no host: the page works offline and tells no third party who reads it.
    assert not parts.scheme and not parts.netloc, reference
    assert reference.startswith("/"), reference
    response = client.get(reference)
    assert response.status_code == 200, f"{reference} -> {response.status_code}"


def test_in_page_links_have_targets():
    assert IN_PAGE_LINKS  # the skip link
    for link in IN_PAGE_LINKS:
        assert f'id="{link[1:]}"' in PAGE_HTML, link


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [("/demo/demo.css", "text/css"), ("/demo/demo.js", "text/javascript")],
)
def test_assets_are_served_with_their_content_type(client, path: str, mimetype: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content_type == f"{mimetype}; charset=utf-8"
    assert "max-age=" in response.headers["Cache-Control"]


@pytest.mark.parametrize(("css_name", "js_name"), [("demo.css", "demo.js"), ("map.css", "map.js")])
def test_assets_load_nothing_from_elsewhere(css_name: str, js_name: str):
    css = (STATIC_DIR / css_name).read_text(encoding="utf-8")
    js = (STATIC_DIR / js_name).read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css  # no web fonts, no remote images
    assert "http://" not in js and "https://" not in js  # the API is called by path only


@pytest.mark.parametrize(
    "folder",
    [STATIC_DIR / "vendor/leaflet", STATIC_DIR / "vendor/topojson-client", OUTLINES_FILE.parent],
    ids=["leaflet", "topojson-client", "world-atlas"],
)
def test_vendored_files_say_their_version_and_licence(folder: Path):
    package = folder.name
    version = (folder / "VERSION").read_text(encoding="utf-8")
    assert version.startswith(f"{package} ") and "licence" in version
    assert (folder / "LICENSE").read_text(encoding="utf-8").strip()


def test_script_inserts_api_text_as_text():
    """Only the search snippet (escaped by the API) may be inserted as HTML."""
    js = (STATIC_DIR / "demo.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "outerHTML" not in js and "document.write" not in js
    assert js.count("insertAdjacentHTML(") == 1
    assert 'insertAdjacentHTML("beforeend", html)' in js.split("function snippet(")[1]


def test_outlines_are_runtime_data_served_to_the_map(client):
    # The seed loader needs them: removing the demo must not take them away.
    assert STATIC_DIR not in OUTLINES_FILE.parents
    response = client.get("/demo/outlines.json")
    assert response.status_code == 200
    assert response.data == OUTLINES_FILE.read_bytes()


@pytest.mark.parametrize("path", ["/demo/missing.js", "/demo/../__init__.py"])
def test_missing_or_outside_files_are_not_found(client, path: str):
    assert client.get(path).status_code == 404
