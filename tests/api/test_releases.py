"""Releases, the changes feed, histories, tombstones, renames and as_of, through the API."""

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from timeline_api.api.releases.resources import encode_cursor
from timeline_api.exports import EXPORT_FORMATS


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["slug"] for item in response.get_json()["items"]]


def test_releases_newest_first_with_counts_and_messages(timeline):
    body = timeline.client.get("/api/v1/releases?limit=2").get_json()
    assert [item["number"] for item in body["items"]] == [5, 4]
    assert body["total"] == 5 and body["next_cursor"]
    rest = timeline.client.get(body["links"]["next"]).get_json()
    assert [item["number"] for item in rest["items"]] == [3, 2]
    edit = timeline.client.get("/api/v1/releases/2").get_json()
    assert edit["message"] == "Correct the alpha plan's title"
    assert edit["counts"]["event"]["updated"] == 1
    assert [(c["kind"], c["slug"], c["change"]) for c in edit["changes"]] == [
        ("event", "alpha-plan", "updated")
    ]
    assert edit["changes"][0]["url"] == "http://localhost/api/v1/events/alpha-plan"
    assert edit["links"]["previous"] == "http://localhost/api/v1/releases/1"
    assert edit["links"]["next"] == "http://localhost/api/v1/releases/3"
    feed = timeline.client.get(edit["links"]["changes"]).get_json()
    assert feed["items"][0]["slug"] == "alpha-plan" and feed["items"][0]["release"] == 2
    assert timeline.client.get("/api/v1/releases/9").status_code == 404


def walk(client, url: str, limit: int) -> tuple[list[dict], str]:
    """Every change from `url` on, page by page; the cursor to ask with next time."""
    seen = []
    while True:
        body = client.get(url).get_json()
        assert len(body["items"]) <= limit
        seen += body["items"]
        url = body["links"]["next"]
        if not body["more"]:
            return seen, body["next_cursor"]


def test_the_changes_feed_walked_in_pages_across_new_releases(timeline):
    client = timeline.client
    seen, cursor = walk(client, "/api/v1/changes?limit=3", 3)
    assert len(seen) == 20
    assert seen[-1] == {
        "kind": "event",
        "slug": "same-day-b-renamed",
        "change": "renamed",
        "previous_slug": "same-day-b",
        "revision": 2,
        "release": 5,
        "released_at": seen[-1]["released_at"],
        "url": "http://localhost/api/v1/events/same-day-b-renamed",
        "history": "http://localhost/api/v1/events/same-day-b-renamed/history",
    }
    # Nothing new yet: an empty page, and a cursor to keep.
    empty = client.get(f"/api/v1/changes?since={cursor}").get_json()
    assert empty["items"] == [] and empty["next_cursor"] == cursor and not empty["more"]
    # Two new releases later, the stored cursor gives exactly what happened since.
    timeline.load("restore")
    timeline.load("rename")
    later, _ = walk(client, f"/api/v1/changes?since={cursor}&limit=2", 2)
    # Release 1's data restored (same-day-b renamed back), then renamed again.
    assert [(c["release"], c["slug"], c["change"]) for c in later] == [
        (6, "alpha-plan", "updated"),
        (6, "same-day-b", "renamed"),
        (6, "same-day-c", "created"),
        (6, "gamma-event", "deleted"),
        (7, "alpha-plan", "updated"),
        (7, "gamma-event", "created"),
        (7, "same-day-b-renamed", "renamed"),
        (7, "same-day-c", "deleted"),
    ]
    everything, _ = walk(client, "/api/v1/changes?limit=7", 7)
    assert everything == seen + later  # no gap, no duplicate, oldest first
    # Each change links to its record's URL now.
    assert later[1]["url"] == "http://localhost/api/v1/events/same-day-b-renamed"


def test_the_changes_feed_filters_by_kind_and_rejects_foreign_cursors(timeline):
    client = timeline.client
    body = client.get("/api/v1/changes?kind=source&kind=tag").get_json()
    assert {c["kind"] for c in body["items"]} == {"source", "tag"}
    assert len(body["items"]) == 6
    # The cursor marks the present, past changes of other kinds too.
    timeline.load("restore")
    after = client.get(f"/api/v1/changes?kind=source&since={body['next_cursor']}").get_json()
    assert after["items"] == []
    events = client.get(f"/api/v1/changes?kind=event&since={body['next_cursor']}").get_json()
    assert [c["change"] for c in events["items"]] == ["updated", "renamed", "created", "deleted"]
    bad = client.get("/api/v1/changes?since=WyJkYXRlIiwibmV4dCIsWzFdXQ")
    assert bad.status_code == 400
    assert bad.get_json()["invalid_params"][0]["name"] == "since"
    assert client.get("/api/v1/changes?kind=planet").status_code == 422


def test_event_history_names_releases_and_changed_fields(timeline):
    body = timeline.client.get("/api/v1/events/alpha-plan/history").get_json()
    assert body["slug"] == "alpha-plan" and body["current"] is True
    updated, created = body["revisions"]
    assert (updated["revision"], updated["release"], updated["change"]) == (2, 2, "updated")
    assert updated["fields"] == [
        {
            "field": "title",
            "old": "Alpha Ministry announces a privacy plan",
            "new": "Alpha plan, corrected",
        }
    ]
    assert updated["release_url"] == "http://localhost/api/v1/releases/2"
    assert created["change"] == "created" and created["release"] == 1
    assert {f["field"] for f in created["fields"]} >= {"title", "summary", "citations"}


def test_sources_actors_and_tags_have_histories(timeline):
    for path in (
        "/api/v1/sources/gazette-one/history",
        "/api/v1/actors/ann-example/history",
        "/api/v1/tags/privacy/history",
    ):
        body = timeline.client.get(path).get_json()
        assert [r["change"] for r in body["revisions"]] == ["created"], path
    assert timeline.client.get("/api/v1/tags/nothing/history").status_code == 404


def test_a_removed_event_is_410_gone_naming_its_release(timeline):
    response = timeline.client.get("/api/v1/events/same-day-c")
    assert response.status_code == 410
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["removed_in_release"] == 4
    assert problem["release"] == "http://localhost/api/v1/releases/4"
    assert problem["history"] == "http://localhost/api/v1/events/same-day-c/history"
    assert "release 4" in problem["detail"]
    history = timeline.client.get(problem["history"]).get_json()
    assert history["current"] is False
    assert [r["change"] for r in history["revisions"]] == ["deleted", "created"]
    assert timeline.client.get("/api/v1/events/never-existed").status_code == 404


def test_a_renamed_event_redirects_308_from_its_old_slug(timeline):
    response = timeline.client.get("/api/v1/events/same-day-b?as_of=5")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/api/v1/events/same-day-b-renamed?as_of=5")
    followed = timeline.client.get("/api/v1/events/same-day-b", follow_redirects=True)
    assert followed.get_json()["slug"] == "same-day-b-renamed"
    history = timeline.client.get("/api/v1/events/same-day-b/history")
    assert history.status_code == 308
    assert history.headers["Location"].endswith("/api/v1/events/same-day-b-renamed/history")


@pytest.mark.parametrize("extension", list(EXPORT_FORMATS))
def test_an_old_slug_s_export_url_redirects_to_the_same_format(timeline, extension):
    client = timeline.client
    response = client.get(f"/api/v1/events/same-day-b.{extension}?as_of=5")
    assert response.status_code == 308
    assert response.headers["Location"].endswith(
        f"/api/v1/events/same-day-b-renamed.{extension}?as_of=5"
    )
    followed = client.get(f"/api/v1/events/same-day-b.{extension}", follow_redirects=True)
    direct = client.get(f"/api/v1/events/same-day-b-renamed.{extension}")
    assert followed.status_code == 200
    assert followed.content_type == direct.content_type == EXPORT_FORMATS[extension].media_type
    gone = client.get(f"/api/v1/events/same-day-c.{extension}")
    assert gone.status_code == 410 and gone.content_type == "application/problem+json"
    assert gone.get_json()["removed_in_release"] == 4


def test_a_redirect_has_no_body_and_redirects_and_tombstones_may_be_cached(timeline):
    cache_control = "public, max-age=60, stale-while-revalidate=60"  # as a 200's
    for path in (
        "/api/v1/events/same-day-b",
        "/api/v1/events/same-day-b.ics",
        "/api/v1/events/same-day-b/history",
    ):
        response = timeline.client.get(path)
        assert response.status_code == 308, path
        assert response.get_data() == b"" and "Content-Type" not in response.headers, path
        assert response.headers["Location"].startswith("/api/v1/events/same-day-b-renamed")
        assert response.headers["Cache-Control"] == cache_control, path
    gone = timeline.client.get("/api/v1/events/same-day-c")
    assert gone.status_code == 410
    assert gone.headers["Cache-Control"] == cache_control
    # Other problems still are not kept.
    assert timeline.client.get("/api/v1/events/never-was").headers["Cache-Control"] == "no-store"


def test_a_cursor_ahead_of_the_feed_is_a_400(timeline):
    client = timeline.client
    _, cursor = walk(client, "/api/v1/changes?limit=100", 100)
    assert cursor == encode_cursor(20)
    assert client.get(f"/api/v1/changes?since={cursor}").get_json()["items"] == []
    response = client.get(f"/api/v1/changes?since={encode_cursor(999)}")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    (param,) = response.get_json()["invalid_params"]
    assert param["name"] == "since" and "ahead of the feed" in param["reason"]
    assert "change 999" in param["reason"] and "20" in param["reason"]


EXPECTED_SLUGS = {
    1: {
        "alpha-plan",
        "beta-rejects-plan",
        "forum-meeting",
        "same-day-a",
        "same-day-b",
        "same-day-c",
    },
}
EXPECTED_SLUGS[2] = EXPECTED_SLUGS[1]
EXPECTED_SLUGS[3] = EXPECTED_SLUGS[2] | {"gamma-event"}
EXPECTED_SLUGS[4] = EXPECTED_SLUGS[3] - {"same-day-c"}
EXPECTED_SLUGS[5] = EXPECTED_SLUGS[4] - {"same-day-b"} | {"same-day-b-renamed"}


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_as_of_each_release_shows_it_exactly(timeline, number):
    client = timeline.client
    release = client.get(f"/api/v1/releases/{number}").get_json()
    listed = client.get(f"/api/v1/events?as_of={number}&limit=100")
    assert set(slugs(listed)) == EXPECTED_SLUGS[number]
    assert parsedate_to_datetime(listed.headers["Last-Modified"]) == dt.datetime.fromisoformat(
        release["created_at"]
    )
    by_time = client.get("/api/v1/events", query_string={"as_of": release["created_at"]})
    assert slugs(by_time) == slugs(listed)
    unencoded = client.get(f"/api/v1/events?as_of={release['created_at']}&limit=100")
    assert slugs(unencoded) == slugs(listed)  # "+01:00" sent as is arrives as " 01:00"
    facets = client.get(f"/api/v1/events/facets?as_of={number}").get_json()
    assert facets["total"] == len(EXPECTED_SLUGS[number])
    alpha = client.get(f"/api/v1/events/alpha-plan?as_of={number}").get_json()
    title = "Alpha Ministry announces a privacy plan" if number == 1 else "Alpha plan, corrected"
    assert alpha["title"] == title
    assert alpha["revision"] == (1 if number == 1 else 2)
    csv = client.get(f"/api/v1/events.csv?as_of={number}").get_data(as_text=True)
    assert csv.count("\n") - 1 == len(EXPECTED_SLUGS[number])
    # Filters and sorts work as of then, too.
    newest = slugs(client.get(f"/api/v1/events?as_of={number}&sort=-date&limit=1"))
    assert newest == (["gamma-event"] if number >= 3 else ["beta-rejects-plan"])
    tagged = slugs(client.get(f"/api/v1/events?as_of={number}&tag=privacy&limit=100"))
    assert "alpha-plan" in tagged and "gamma-event" not in tagged


def test_as_of_tombstones_and_renames_follow_the_release_shown(timeline):
    client = timeline.client
    assert client.get("/api/v1/events/same-day-c?as_of=3").status_code == 200
    assert client.get("/api/v1/events/same-day-c?as_of=4").status_code == 410
    assert client.get("/api/v1/events/gamma-event?as_of=2").status_code == 404
    assert client.get("/api/v1/events/same-day-b?as_of=4").status_code == 200
    assert client.get("/api/v1/events/same-day-b-renamed?as_of=4").status_code == 404


@pytest.mark.parametrize(
    "as_of, reason",
    [
        ("0", "numbered from 1"),
        ("6", "does not exist yet"),
        ("2000-01-01T00:00:00Z", "before the first release"),
        ("2999-01-01", "in the future"),
    ],
)
def test_as_of_outside_the_releases_is_422(timeline, as_of, reason):
    response = timeline.client.get(f"/api/v1/events?as_of={as_of}")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["invalid_params"][0]["name"] == "as_of"
    assert reason in problem["invalid_params"][0]["reason"]
    assert problem["detail"].startswith("Invalid query parameter: 'as_of': ")


def test_as_of_today_is_the_current_release_and_tomorrow_is_the_future(timeline):
    today = dt.datetime.now(dt.UTC).date()
    current = timeline.client.get("/api/v1/events?limit=100")
    response = timeline.client.get(f"/api/v1/events?as_of={today}&limit=100")
    assert response.status_code == 200
    assert response.get_json()["items"] == current.get_json()["items"]
    tomorrow = today + dt.timedelta(days=1)
    assert timeline.client.get(f"/api/v1/events?as_of={tomorrow}").status_code == 422


def test_as_of_with_search_is_a_clear_422(timeline):
    response = timeline.client.get("/api/v1/events?as_of=1&q=plan")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "q"


def test_events_carry_created_updated_and_revision(timeline):
    body = timeline.client.get("/api/v1/events/alpha-plan").get_json()
    releases = {
        r["number"]: r["created_at"]
        for r in timeline.client.get("/api/v1/releases").get_json()["items"]
    }
    assert (body["created_at"], body["updated_at"], body["revision"]) == (
        releases[1],
        releases[2],
        2,
    )


def test_last_modified_and_if_modified_since(timeline):
    client = timeline.client
    response = client.get("/api/v1/events")
    latest = client.get("/api/v1/releases/5").get_json()["created_at"]
    modified = parsedate_to_datetime(response.headers["Last-Modified"])
    assert modified == dt.datetime.fromisoformat(latest)
    since = format_datetime(modified, usegmt=True)
    assert client.get("/api/v1/events", headers={"If-Modified-Since": since}).status_code == 304
    earlier = format_datetime(modified - dt.timedelta(seconds=1), usegmt=True)
    assert client.get("/api/v1/events", headers={"If-Modified-Since": earlier}).status_code == 200
    # A new release moves it on.
    timeline.load("restore")
    assert client.get("/api/v1/events", headers={"If-Modified-Since": since}).status_code == 200


def test_a_release_with_the_same_data_as_an_earlier_one_is_not_served_from_its_cache(timeline):
    client = timeline.client
    first = client.get("/api/v1/events.atom?as_of=1")
    before = client.get("/api/v1/events.atom")
    timeline.load("restore")  # the data of release 1 again, as release 6
    after = client.get("/api/v1/events.atom")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["ETag"] != first.headers["ETag"]  # other updated times
    assert client.get("/api/v1/events.atom").get_data() == after.get_data()  # stable
    assert client.get("/api/v1/events.atom?as_of=1").get_data() == first.get_data()


def test_a_past_release_still_being_prepared_is_a_503_with_retry_after(timeline, monkeypatch):
    import threading
    from collections import OrderedDict

    from timeline_api.releases import snapshots

    started, release_build = threading.Event(), threading.Event()
    real_build = snapshots._build

    def slow_build(path, release):
        started.set()
        release_build.wait(10)
        real_build(path, release)

    # A snapshot another test opened for the same release history would be served at once.
    monkeypatch.setattr(snapshots, "_open", OrderedDict())
    monkeypatch.setattr(snapshots, "_build", slow_build)
    monkeypatch.setattr(snapshots, "BUILD_WAIT_SECONDS", 0.05)
    response = timeline.client.get("/api/v1/events?as_of=2")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert "Release 2 is being prepared" in response.get_json()["detail"]
    assert started.is_set()
    release_build.set()
    monkeypatch.setattr(snapshots, "BUILD_WAIT_SECONDS", 10)
    assert set(slugs(timeline.client.get("/api/v1/events?as_of=2&limit=100"))) == EXPECTED_SLUGS[2]


def test_a_past_release_that_fails_to_build_leaves_no_partial_file(timeline, monkeypatch):
    from collections import OrderedDict

    from timeline_api.releases import snapshots
    from timeline_api.seeds import sync

    def broken_sync(*args, **kwargs):
        raise RuntimeError("disk full")

    real_sync = sync.sync_tables
    monkeypatch.setattr(snapshots, "_open", OrderedDict())
    monkeypatch.setattr(sync, "sync_tables", broken_sync)
    for _ in range(2):
        assert timeline.client.get("/api/v1/events?as_of=2").status_code == 500
    assert list(snapshots.snapshot_dir().iterdir()) == []
    monkeypatch.setattr(sync, "sync_tables", real_sync)  # tried again at the next request
    assert set(slugs(timeline.client.get("/api/v1/events?as_of=2&limit=100"))) == EXPECTED_SLUGS[2]
    assert [path.suffix for path in snapshots.snapshot_dir().iterdir()] == [".sqlite3"]
