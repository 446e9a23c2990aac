def test_list_sources_with_event_slugs(client):
    body = client.get("/api/v1/sources").get_json()
    assert [s["slug"] for s in body["items"]] == ["gazette-one", "herald-two", "unused-source"]
    gazette = body["items"][0]
    assert gazette["publisher"] == "The Example Gazette"
    assert gazette["published"] == "2021-05-03" and gazette["published_precision"] == "day"
    assert gazette["event_count"] == 5
    assert gazette["event_slugs"][:2] == ["forum-meeting", "alpha-plan"]
    assert body["items"][2]["event_count"] == 0


def test_source_detail_lists_event_summaries(client):
    source = client.get("/api/v1/sources/herald-two").get_json()
    assert source["dateline"] is None and source["article_url"] is None
    assert [e["slug"] for e in source["events"]] == ["beta-rejects-plan"]
    assert source["events"][0]["actors"][0]["slug"] == "beta-state"


def test_sources_paginate(client):
    first = client.get("/api/v1/sources?limit=2").get_json()
    second = client.get(first["links"]["next"]).get_json()
    assert [s["slug"] for s in second["items"]] == ["unused-source"]
    assert first["total"] == second["total"] == 3


def test_unknown_source_is_404(client):
    response = client.get("/api/v1/sources/nope")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
