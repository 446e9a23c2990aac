"""`q=` on the actor, tag and source lists: find entries by name, as a filter box types."""

import pytest


def slugs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return [item["slug"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/actors?q=ann", ["ann-example"]),
        ("/api/v1/actors?q=Ex", ["ann-example"]),  # a later word's prefix, any case
        ("/api/v1/actors?q=alpha%20min", ["alpha-ministry"]),  # every word must match
        ("/api/v1/actors?q=alpha%20forum", []),
        ("/api/v1/actors?q=beta", ["beta-state"]),
        ("/api/v1/actors?q=state", ["beta-state"]),  # by slug too
        ("/api/v1/actors?q=inistry", []),  # prefixes of words, not any substring
        ("/api/v1/actors?q=ann&country=FR", ["ann-example"]),
        ("/api/v1/tags?q=SURV", ["surveillance"]),
        ("/api/v1/tags?q=p", ["privacy"]),
        ("/api/v1/sources?q=herald", ["herald-two"]),
        ("/api/v1/sources?q=alpha", ["gazette-one", "herald-two"]),  # headlines
        ("/api/v1/sources?q=%25", ["gazette-one", "herald-two", "unused-source"]),  # no words
        ("/api/v1/sources?q=", ["gazette-one", "herald-two", "unused-source"]),
    ],
)
def test_q_finds_catalogue_entries_by_word_prefix(client, url, expected):
    assert slugs(client, url) == expected


def test_q_is_kept_in_the_next_page_link(client):
    body = client.get("/api/v1/sources?q=alpha&limit=1").get_json()
    assert body["total"] == 2
    assert "q=alpha" in body["links"]["next"]
    assert slugs(client, body["links"]["next"]) == ["herald-two"]
