import pytest


def test_list_actors(client):
    body = client.get("/api/v1/actors").get_json()
    assert [a["slug"] for a in body["items"]] == [
        "alpha-ministry",
        "ann-example",
        "beta-state",
        "world-forum",
    ]
    alpha = body["items"][0]
    assert "event_slugs" not in alpha and "events" not in alpha
    assert alpha["event_count"] == 2
    assert alpha["events_url"] == "http://localhost/api/v1/events?actor=alpha-ministry"
    events = client.get(alpha["events_url"]).get_json()
    assert [e["slug"] for e in events["items"]] == ["alpha-plan", "beta-rejects-plan"]
    assert body["items"][3]["country"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=person", ["ann-example"]),
        ("type=state&type=international_organisation", ["beta-state", "world-forum"]),
        ("country=FR", ["alpha-ministry", "ann-example"]),
        ("country=fr&type=person", ["ann-example"]),
    ],
)
def test_filter_actors(client, query, expected):
    assert [a["slug"] for a in client.get(f"/api/v1/actors?{query}").get_json()["items"]] == (
        expected
    )


def test_actor_detail_lists_events(client):
    actor = client.get("/api/v1/actors/ann-example").get_json()
    assert actor["name"] == "Ann Example" and actor["actor_type"] == "person"
    assert [e["slug"] for e in actor["events"]] == [
        "alpha-plan",
        "same-day-a",
        "same-day-b",
        "same-day-c",
    ]
    assert actor["event_count"] == 4
    assert actor["events_url"] == "http://localhost/api/v1/events?actor=ann-example"


def test_bad_actor_type_is_422(client):
    response = client.get("/api/v1/actors?type=alien")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "type"
