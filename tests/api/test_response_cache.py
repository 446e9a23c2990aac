"""The response cache: hits skip the work, a new data version is never served stale, and
what a hit answers is what the app would have answered (per-request parts made anew)."""

import functools
import json
import shutil
import sqlite3
from contextlib import closing
from itertools import chain, repeat
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.api.test_events import count_queries
from timeline_api.api import response_cache
from timeline_api.api.counts import EXTENSION_KEY as COUNTS_KEY
from timeline_api.api.response_cache import CachedResponse, ResponseCache, _storable_headers
from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.data_version import DataVersionProbe
from timeline_api.seeds import load_seeds


def test_second_request_is_served_from_the_cache_without_the_app(client, app, database_url):
    first = client.get("/api/v1/events?limit=3")
    # SQLite: the version comes from the probe's own connection (no peewee query);
    # PostgreSQL: one query through the pool, the version and nothing else.
    expected = 0 if database_url.startswith("sqlite") else 1
    assert count_queries(client, "/api/v1/events?limit=3") == expected
    again = client.get("/api/v1/events?limit=3")
    assert again.get_data() == first.get_data()
    for header in ("Link", "ETag", "Cache-Control", "Content-Type", "Content-Security-Policy"):
        assert again.headers[header] == first.headers[header], header
    assert len(app.extensions["response_cache"]) >= 1


def test_per_request_headers_are_fresh_on_a_hit(client):
    client.get("/api/v1/tags")
    hit = client.get("/api/v1/tags", headers={"Origin": "https://a.example", "X-Request-ID": "r1"})
    assert hit.headers["Access-Control-Allow-Origin"] == "*"
    assert hit.headers["X-Request-ID"] == "r1"
    assert hit.headers["Content-Security-Policy"]
    ids = {client.get("/api/v1/tags").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    etag = hit.headers["ETag"]
    not_modified = client.get("/api/v1/tags", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not not_modified.get_data()
    changed = client.get("/api/v1/tags", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == etag


def test_head_after_get_has_the_headers_and_no_body(client):
    full = client.get("/api/v1/events")
    head = client.head("/api/v1/events")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == full.headers["Content-Length"]
    assert head.headers["ETag"] == full.headers["ETag"]


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


def test_origin_is_part_of_the_key(database_url, seeded_db):
    allowed = "https://newsroom.example"
    client = create_app(Config(DATABASE_URL=database_url, CORS_ORIGINS=[allowed])).test_client()
    assert (
        client.get("/api/v1/tags", headers={"Origin": allowed}).headers[
            "Access-Control-Allow-Origin"
        ]
        == allowed
    )
    other = client.get("/api/v1/tags", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    again = client.get("/api/v1/tags", headers={"Origin": allowed})
    assert again.headers["Access-Control-Allow-Origin"] == allowed


def test_host_is_part_of_the_key(client):
    client.get("/api/v1/events?limit=2", base_url="http://one.example")
    link = client.get("/api/v1/events?limit=2", base_url="https://two.example").headers["Link"]
    assert "https://two.example/api/v1/events?" in link and "one.example" not in link


def test_errors_and_pages_are_not_cached(client, app):
    before = len(app.extensions["response_cache"])
    client.get("/api/v1/events/nope")
    client.get("/api/v1/events?limit=0")
    client.get("/api/v1/docs")
    client.get("/")
    assert len(app.extensions["response_cache"]) == before


def test_replayed_requests_are_counted_and_logged(client, capsys):
    for _ in range(3):
        assert client.get("/api/v1/tags", headers={"X-Request-ID": "replayed-1"}).status_code == 200
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "timeline_api.access"]
    assert len(access) == 3
    assert all(line["request_id"] == "replayed-1" and line["status"] == 200 for line in access)
    assert all(line["path"] == "/api/v1/tags" for line in access)
    text = client.get("/metrics").get_data(as_text=True)
    counted = [
        found.value
        for family in text_string_to_metric_families(text)
        for found in family.samples
        if found.name == "timeline_http_requests_total"
        and found.labels == {"endpoint": "tags.list_tags", "method": "GET", "status": "200"}
    ]
    assert counted == [3.0]


def test_cache_is_bounded_in_entries_and_bytes():
    cache = ResponseCache(max_entries=3, max_bytes=100)

    def entry(body: bytes) -> CachedResponse:
        return CachedResponse("200 OK", [], body, "tags.list_tags")

    for n in range(5):
        cache.put(("v", str(n)), entry(b"x" * 10))
    assert len(cache) == 3 and cache.get(("v", "0")) is None and cache.get(("v", "4"))
    cache.put(("v", "big"), entry(b"y" * 95))
    assert cache.get(("v", "big")) and len(cache) == 1


def test_probe_follows_the_file_at_the_path(seeded_sqlite, sqlite_database_url, tmp_path):
    """A file replaced under the workers (a restore) is read, never the old one."""
    path = sqlite_database_url.removeprefix("sqlite:///")
    probe = DataVersionProbe(sqlite_database_url)
    first = probe.read()
    assert first and len(first) >= 8
    replacement = tmp_path / "replacement.sqlite3"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(replacement)) as copy:
        source.backup(copy)
        copy.execute("UPDATE datasetstate SET version = 'restored-version'")
        copy.commit()
    for leftover in tmp_path.glob(Path(path).name + "*"):  # a restore replaces WAL files too
        leftover.unlink()
    shutil.move(replacement, path)
    assert probe.read() == "restored-version"
    shutil.move(path, tmp_path / "moved-away.sqlite3")
    assert probe.read() is None


def test_an_answer_rendered_across_a_load_is_not_kept(client, app, monkeypatch):
    """The version is read again before storing: data a load committed while the app
    worked must not be kept under the version read before it."""
    versions = chain(["before-the-load"], repeat("after-the-load"))
    monkeypatch.setattr(app.wsgi_app.probe, "read", lambda: next(versions))
    assert client.get("/api/v1/tags?limit=5").status_code == 200
    assert len(app.extensions["response_cache"]) == 0
    assert len(app.extensions[COUNTS_KEY].cache) == 0  # nor the total it counted


def test_answers_for_one_client_or_no_cache_are_not_kept():
    assert _storable_headers([("Content-Type", "application/json")])
    assert not _storable_headers([("Set-Cookie", "session=1")])
    assert not _storable_headers([("Cache-Control", "no-store")])
    assert not _storable_headers([("Cache-Control", "private, max-age=60")])


def test_a_cache_of_no_entries_keeps_nothing_and_answers_the_same(database_url, seeded_db):
    config = Config(DATABASE_URL=database_url, RESPONSE_CACHE_ENTRIES=0)
    app = create_app(config)
    client = app.test_client()
    first = client.get("/api/v1/events?limit=2")
    assert client.get("/api/v1/events?limit=2").get_data() == first.get_data()
    assert len(app.extensions["response_cache"]) == 0


def _never_renders(app) -> None:
    """Make every view of `app` fail: an answer it still gives was not rendered. Each keeps
    its marks (negotiates_itself), which the app reads before a view runs."""

    for endpoint, view in list(app.view_functions.items()):

        @functools.wraps(view)
        def rendering(*args, **kwargs):
            raise AssertionError("a view ran")

        app.view_functions[endpoint] = rendering


def test_a_revalidation_is_answered_without_rendering_by_a_worker_that_never_rendered(
    database_url, seeded_db, seeds_copy
):
    """What a caching proxy sends when its copy expires, to whichever replica: the ETag
    follows from the request and the data version, so a 304 needs no rendering. Origin is
    not part of it (a proxy shares one copy among origins when CORS allows any)."""
    config = Config(DATABASE_URL=database_url, RATE_LIMIT="100/minute")
    url = "/api/v1/events?limit=3"
    first = create_app(config).test_client().get(url, headers={"Origin": "https://one.example"})
    etag = first.headers["ETag"]
    other = create_app(config)  # another worker or replica, with an empty response cache
    _never_renders(other)
    client = other.test_client()
    for origin in ("https://one.example", "https://two.example"):
        again = client.get(url, headers={"If-None-Match": etag, "Origin": origin})
        assert again.status_code == 304 and not again.get_data()
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
        # Still a request of its client: counted, and its per-request headers are made.
        assert int(again.headers["X-RateLimit-Remaining"]) < 100
        assert again.headers["X-Request-ID"]
    # Another Accept is another representation: its own ETag.
    # (An export holds every event, so this URL has no `limit`.)
    whole = "/api/v1/events?year=2020"
    as_json = create_app(config).test_client().get(whole)
    as_csv = create_app(config).test_client().get(whole, headers={"Accept": "text/csv"})
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert as_csv.headers["ETag"] != as_json.headers["ETag"]

    # New data, new ETag: the old one is no longer answered 304.
    path = seeds_copy / "events" / "alpha-plan.yaml"
    data = yaml.safe_load(path.read_text())
    data["title"] = "Brand new title"
    path.write_text(yaml.safe_dump(data))
    load_seeds(seeds_copy)
    fresh = create_app(config).test_client().get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert "Brand new title" in fresh.get_data(as_text=True)


def test_a_different_code_gives_different_etags(database_url, seeded_db, monkeypatch):
    """An image whose code or dependencies differ must not claim the bytes the old one
    rendered under the same ETag (a rolling release runs both for a while)."""
    config = Config(DATABASE_URL=database_url)
    before = create_app(config).test_client().get("/api/v1/tags").headers["ETag"]
    monkeypatch.setattr(response_cache, "code_fingerprint", lambda: "another build")
    assert create_app(config).test_client().get("/api/v1/tags").headers["ETag"] != before


def test_an_early_304_carries_the_headers_of_the_answer_it_stands_for(database_url, seeded_db):
    """RFC 9110 (15.4.5): a 304 has the Vary, ETag and Cache-Control the 200 would have;
    one decided before rendering too (an event answer varies on Accept as well)."""
    config = Config(DATABASE_URL=database_url)
    other = create_app(config)  # a worker that never rendered these
    _never_renders(other)
    for path in (
        "/api/v1/events?limit=3",
        "/api/v1/events/alpha-plan",
        "/api/v1/events.csv",
        "/api/v1/events/alpha-plan.ics",
        "/api/v1/tags",
        "/api/v1/datapackage.json",
    ):
        for headers in ({}, {"Accept-Encoding": "gzip"}):
            ok = create_app(config).test_client().get(path, headers=headers)
            early = other.test_client().get(
                path, headers={**headers, "If-None-Match": ok.headers["ETag"]}
            )
            assert early.status_code == 304, path
            for name in ("ETag", "Cache-Control", "Vary", "Content-Security-Policy"):
                assert early.headers.get(name) == ok.headers.get(name), (path, headers, name)
