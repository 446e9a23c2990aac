def test_tags_with_event_counts(client):
    body = client.get("/api/v1/tags").get_json()
    counts = {t["slug"]: t["event_count"] for t in body["items"]}
    assert counts == {"privacy": 2, "surveillance": 2, "unused-tag": 0}
    surveillance = body["items"][1]
    assert surveillance["events_url"] == "http://localhost/api/v1/events?tag=surveillance"
    events = client.get(surveillance["events_url"]).get_json()["items"]
    assert [e["slug"] for e in events] == ["forum-meeting", "beta-rejects-plan"]


def test_tag_detail(client):
    tag = client.get("/api/v1/tags/privacy").get_json()
    assert tag["name"] == "Privacy"
    assert [e["slug"] for e in tag["events"]] == ["alpha-plan", "beta-rejects-plan"]


def test_event_counts_agree_with_the_tag_filter(client):
    for tag in client.get("/api/v1/tags").get_json()["items"]:
        filtered = client.get(f"/api/v1/events?tag={tag['slug']}").get_json()
        assert filtered["total"] == tag["event_count"]
        assert client.get(tag["events_url"]).get_json() == filtered


def test_unknown_tag_is_404(client):
    assert client.get("/api/v1/tags/nope").status_code == 404
