"""GET /api/v1, the API's index, and trailing-slash forms of every URL."""

import pytest


def test_the_api_root_lists_every_resource_with_absolute_links(client):
    response = client.get("/api/v1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] and body["version"]
    links = body["links"]
    assert links["self"] == "http://localhost/api/v1"
    assert links["events"] == "http://localhost/api/v1/events"
    assert links["event"] == "http://localhost/api/v1/events/{slug}"
    assert links["event_export"] == "http://localhost/api/v1/events.{format}"
    assert links["docs"] == "http://localhost/api/v1/docs"
    for name, url in links.items():
        if "{" not in url:
            assert client.get(url).status_code == 200, (name, url)
    assert client.get(links["tag"].replace("{slug}", "privacy")).status_code == 200
    assert client.get(links["event_export"].replace("{format}", "csv")).status_code == 200
    one_event = links["event_as"].replace("{slug}", "alpha-plan").replace("{format}", "ics")
    assert client.get(one_event).status_code == 200
    assert client.get(links["datapackage_table"].replace("{table}", "tags")).status_code == 200


def test_every_api_resource_is_in_the_index(app, client):
    links = client.get("/api/v1").get_json()["links"].values()
    documented = client.get("/api/v1/openapi.json").get_json()["paths"]
    as_templates = {
        url.removeprefix("http://localhost").replace("{format}", "{extension}") for url in links
    }
    assert set(documented) <= as_templates


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/api/v1/", "/api/v1"),
        ("/api/v1/events/", "/api/v1/events"),
        ("/api/v1/events/?year=2020&tag=privacy", "/api/v1/events?year=2020&tag=privacy"),
        ("/api/v1/events/alpha-plan/", "/api/v1/events/alpha-plan"),
        ("/api/v1/tags//", "/api/v1/tags"),
        ("/api/v1/docs/", "/api/v1/docs"),
        ("/readyz/", "/readyz"),
    ],
)
def test_a_trailing_slash_redirects_to_the_one_url(client, url, location):
    response = client.get(url)
    assert response.status_code == 308
    assert response.headers["Location"] == location
    assert "Content-Type" not in response.headers and response.get_data() == b""
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert client.get(url, follow_redirects=True).status_code == 200


def test_a_trailing_slash_on_no_resource_is_still_a_404_problem(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
