"""The docs page and its assets are served by the app itself (no CDN)."""

import re


def test_swagger_ui_page_loads_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert all(a.startswith(("/api/v1/docs/", "/favicon.ico")) for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "validatorUrl" in html and "<script>" not in html  # settings in data-*, no inline JS


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/png"


def test_unknown_asset_is_a_404_problem(client):
    response = client.get("/api/v1/docs/assets/nope.js")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
