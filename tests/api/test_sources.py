def test_list_sources_with_event_counts_and_links(client):
    body = client.get("/api/v1/sources").get_json()
    assert [s["slug"] for s in body["items"]] == ["gazette-one", "herald-two", "unused-source"]
    gazette = body["items"][0]
    assert gazette["publisher"] == "The Example Gazette"
    assert gazette["published"] == "2021-05-03" and gazette["published_precision"] == "day"
    assert gazette["event_count"] == 5
    assert gazette["events_url"] == "http://localhost/api/v1/events?source=gazette-one"
    events = client.get(gazette["events_url"]).get_json()
    assert events["total"] == 5
    assert [e["slug"] for e in events["items"]][:2] == ["forum-meeting", "alpha-plan"]
    unused = body["items"][2]
    assert unused["event_count"] == 0
    assert client.get(unused["events_url"]).get_json()["items"] == []


def test_source_detail_lists_event_summaries(client):
    source = client.get("/api/v1/sources/herald-two").get_json()
    assert source["dateline"] is None
    # What a reader can check the article with, not internal file names or a null address.
    assert not {"article_file", "article_url"} & set(source)
    assert source["article_sha256"] == (
        "d8303b6c7fd3a1c0a65700c49af0d7c290467475ece4e9479bcb10643201439e"
    )
    assert source["article_checked"] == "2026-11-20"
    assert source["published_as_given"] is None
    assert client.get("/api/v1/sources/gazette-one").get_json()["published_as_given"]
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
