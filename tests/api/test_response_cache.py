"""The response cache: hits skip the work, a new data version is never served stale."""

import yaml

from tests.api.test_events import count_queries
from timeline_api.api.response_cache import ResponseCache
from timeline_api.seeds import load_seeds


def test_second_request_is_served_from_the_cache_with_one_query(client, app):
    first = client.get("/api/v1/events?limit=3")
    assert count_queries(client, "/api/v1/events?limit=3") == 1  # only the data version
    again = client.get("/api/v1/events?limit=3")
    assert again.get_data() == first.get_data()
    assert again.headers["Link"] == first.headers["Link"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(app.extensions["response_cache"]) >= 1


def test_per_request_headers_are_fresh_on_a_hit(client):
    client.get("/api/v1/tags")
    hit = client.get("/api/v1/tags", headers={"Origin": "https://a.example", "X-Request-ID": "r1"})
    assert hit.headers["Access-Control-Allow-Origin"] == "*"
    assert hit.headers["X-Request-ID"] == "r1"
    assert hit.headers["Content-Security-Policy"]
    etag = hit.headers["ETag"]
    assert client.get("/api/v1/tags", headers={"If-None-Match": etag}).status_code == 304


def test_a_new_data_version_is_never_served_stale(client, seeds_copy):
    assert "Brand new title" not in client.get("/api/v1/events").get_data(as_text=True)
    path = seeds_copy / "events" / "alpha-plan.yaml"
    data = yaml.safe_load(path.read_text())
    data["title"] = "Brand new title"
    path.write_text(yaml.safe_dump(data))
    load_seeds(seeds_copy)
    assert "Brand new title" in client.get("/api/v1/events").get_data(as_text=True)


def test_accept_is_part_of_the_key(client):
    assert client.get("/api/v1/events", headers={"Accept": "text/csv"}).mimetype == "text/csv"
    assert client.get("/api/v1/events").mimetype == "application/json"


def test_errors_are_not_cached(client, app):
    before = len(app.extensions["response_cache"])
    client.get("/api/v1/events/nope")
    client.get("/api/v1/events?limit=0")
    assert len(app.extensions["response_cache"]) == before


def test_cache_is_bounded_in_entries_and_bytes():
    cache = ResponseCache(max_entries=3, max_bytes=100)
    for n in range(5):
        cache.put(("v", n), b"x" * 10, [])
    assert len(cache) == 3 and cache.get(("v", 0)) is None and cache.get(("v", 4))
    cache.put(("v", "big"), b"y" * 95, [])
    assert cache.get(("v", "big")) and len(cache) == 1
