"""Releases made by seed loads: numbered, counted, immutable, and only when data changed."""

import json

import pytest

from tests.release_timeline import STEPS, seed_folders
from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.database import bind_database, migrate_database
from timeline_api.models import DatasetState, Event, Record, Release, Revision, database
from timeline_api.releases.lookup import field_changes
from timeline_api.releases.records import LATER_FIELDS, iso, release_version
from timeline_api.releases.snapshots import snapshot_dir
from timeline_api.seeds import SeedError, load_seeds


def counts(release: Release) -> dict:
    return json.loads(release.counts)


def test_each_changing_load_is_a_numbered_release_with_counts(timeline):
    releases = timeline.releases()
    assert [r.number for r in releases] == [1, 2, 3, 4, 5]
    assert [r.created_at for r in releases] == sorted({r.created_at for r in releases})
    first, edit, addition, removal, rename = (counts(r) for r in releases)
    assert first["event"] == {"created": 6, "updated": 0, "deleted": 0, "renamed": 0}
    assert first["source"]["created"] == 3 and first["actor"]["created"] == 4
    assert edit["event"] == {"created": 0, "updated": 1, "deleted": 0, "renamed": 0}
    assert edit["source"] == {"created": 0, "updated": 0, "deleted": 0, "renamed": 0}
    assert addition["event"]["created"] == 1
    assert removal["event"]["deleted"] == 1
    assert rename["event"] == {"created": 0, "updated": 0, "deleted": 0, "renamed": 1}
    assert releases[1].message == "Correct the alpha plan's title"
    assert releases[0].message is None
    assert [r.event_count for r in releases] == [6, 6, 7, 6, 6]


def test_an_unchanged_reload_and_a_broken_folder_make_no_release(timeline):
    assert not timeline.reports["unchanged"].changed
    assert "no new release" in timeline.reports["unchanged"].summary()
    assert Release.select().count() == 5
    before = sorted(Revision.select().tuples())
    assert timeline.load("rename").release is None
    with pytest.raises(SeedError):
        timeline.load("broken")
    assert sorted(Revision.select().tuples()) == before


def test_storage_grows_with_changes_not_with_loads(timeline):
    per_release = dict(
        Revision.select(Revision.release, Revision.id).order_by(Revision.id).tuples()
    )
    by_release = {n: Revision.select().where(Revision.release == n).count() for n in per_release}
    assert by_release == {1: 16, 2: 1, 3: 1, 4: 1, 5: 1}


def test_history_is_never_rewritten_by_a_load(timeline):
    old = sorted(Revision.select().where(Revision.release <= 3).tuples())
    old_releases = sorted(Release.select().where(Release.number <= 3).tuples())
    timeline.load("restore", "Back to the start")
    assert sorted(Revision.select().where(Revision.release <= 3).tuples()) == old
    assert sorted(Release.select().where(Release.number <= 3).tuples()) == old_releases


def test_the_same_data_again_has_the_same_data_version_but_not_the_same_cache_version(
    timeline,
):
    report = timeline.load("restore")
    assert report.release.number == 6
    releases = timeline.releases()
    assert releases[5].data_version == releases[0].data_version
    state = DatasetState.get_by_id(1)
    assert state.release == 6
    assert state.version == release_version(6, releases[0].data_version)
    assert state.version != release_version(1, releases[0].data_version)
    # Not the same data: revisions and times moved on.
    restored = Event.get(Event.slug == "same-day-c")
    assert restored.revision == 3 and restored.created_at == iso(releases[0].created_at)


def test_events_carry_first_and_last_release_and_revision(timeline):
    releases = {r.number: iso(r.created_at) for r in timeline.releases()}
    alpha = Event.get(Event.slug == "alpha-plan")
    assert (alpha.created_at, alpha.updated_at, alpha.revision) == (releases[1], releases[2], 2)
    renamed = Event.get(Event.slug == "same-day-b-renamed")
    assert (renamed.created_at, renamed.updated_at, renamed.revision) == (
        releases[1],
        releases[5],
        2,
    )
    record = Record.get((Record.kind == "event") & (Record.slug == "same-day-b-renamed"))
    assert record.revision == 2


def test_a_renamed_record_keeps_its_record_and_history(timeline):
    renamed = list(
        Revision.select()
        .join(Record, on=(Record.id == Revision.record))
        .where(Record.slug == "same-day-b-renamed")
        .order_by(Revision.id)
    )
    assert [(r.slug, r.change, r.previous_slug) for r in renamed] == [
        ("same-day-b", "created", None),
        ("same-day-b-renamed", "renamed", "same-day-b"),
    ]


def test_concurrent_loads_of_the_same_seeds_make_one_release(database_url, tmp_path):
    import os
    import subprocess
    import sys

    from tests.support import REPO_ROOT

    folders = seed_folders(tmp_path / "seeds")
    bind_database(database_url, role="command")
    migrate_database()
    env = {**os.environ, "DATABASE_URL": database_url}
    loaders = [
        subprocess.Popen(
            [sys.executable, "-m", "timeline_api.cli", "seed", str(folders["initial"])],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [loader.communicate(timeout=120) for loader in loaders]
    assert [loader.returncode for loader in loaders] == [0, 0, 0], outcomes
    assert sum("Release 1" in out for out, _ in outcomes) == 1, outcomes
    assert sum("no new release" in out for out, _ in outcomes) == 2, outcomes
    bind_database(database_url, role="command")
    assert Release.select().count() == 1


def _take_releases_away(order: str) -> list[str]:
    """Take a loaded database back to before releases, as a deployed one was: "in order"
    reverts 0003 and every migration after it; "out of order" reverts only 0003 and 0006,
    so 0004's places and 0005's fingerprints stay, as on a database loaded before releases
    were merged (0003 is numbered before 0004 and 0005 but was merged after them)."""
    from playhouse.migrations import Runner

    from timeline_api.database import MIGRATIONS_DIR

    runner = Runner(database.obj, str(MIGRATIONS_DIR))
    with database.atomic():
        if order == "in order":
            return runner.down("0003_add_releases")
        taken_down = []
        for migration in reversed(runner.migrations()):
            if migration.name in ("0003_add_releases", "0006_add_seed_file_cache"):
                migration.load().down(runner.migrator, database.obj)
                runner.History.delete().where(runner.History.name == migration.name).execute()
                taken_down.append(migration.name)
    return taken_down


AS_OF_1 = [
    "/api/v1/events?as_of=1&limit=100",
    "/api/v1/events/facets?as_of=1",
    "/api/v1/events/alpha-plan?as_of=1",
    "/api/v1/events.csv?as_of=1",
    "/api/v1/events.geojson?as_of=1",
]


def test_revisions_stored_before_the_format_gained_a_field_read_it_as_its_default(
    timeline, monkeypatch
):
    """A database migrated to releases by earlier code kept release 1 without the fields
    the record format gained later: as_of and histories read them as LATER_FIELDS says."""
    from collections import OrderedDict

    from timeline_api.releases import snapshots

    monkeypatch.setattr(snapshots, "_open", OrderedDict())  # no other test's release 1
    for revision in Revision.select().where(Revision.release == 1):
        content = json.loads(revision.content)
        for name in LATER_FIELDS.get(revision.kind, {}):
            content.pop(name, None)
        Revision.update(content=json.dumps(content)).where(Revision.id == revision.id).execute()
    client = timeline.client
    for url in AS_OF_1:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True))
    alpha = client.get("/api/v1/events/alpha-plan?as_of=1").get_json()
    assert alpha["title"] == "Alpha Ministry announces a privacy plan"
    assert not alpha.get("location")  # release 1 now reads as not placed
    history = client.get("/api/v1/events/alpha-plan/history").get_json()["revisions"]
    placed = {change["field"]: change["old"] for change in history[0]["fields"]}
    assert placed == {"coordinates": None, "location": None, "title": alpha["title"]}
    assert client.get("/api/v1/sources/gazette-one/history").status_code == 200
    assert client.get("/api/v1/changes?kind=event").status_code == 200


@pytest.mark.parametrize("order", ["in order", "out of order"])
def test_an_existing_database_is_migrated_to_release_1(database_url, tmp_path, order, monkeypatch):
    """A database loaded before releases existed: its state becomes release 1, every past
    release answers, and loading the same seeds again adds at most what the tables could
    not have kept (in order, 0004 and 0005 came after 0003), then nothing."""
    from collections import OrderedDict

    from timeline_api.releases import snapshots

    # Snapshots opened by the other engine's run of this test, whose release 1 can have
    # the same times and content (the same identity), are not this database's.
    monkeypatch.setattr(snapshots, "_open", OrderedDict())
    folders = seed_folders(tmp_path / "seeds")
    bind_database(database_url, role="command")
    migrate_database()
    load_seeds(folders["rename"])
    taken_down = _take_releases_away(order)
    assert migrate_database() == sorted(taken_down)
    (release,) = Release.select()
    assert release.number == 1 and "migration 0003" in release.message
    assert counts(release)["event"]["created"] == 6
    assert Event.get(Event.slug == "alpha-plan").revision == 1
    assert DatasetState.get_by_id(1).release == 1
    client = create_app(Config(DATABASE_URL=database_url, TESTING=True)).test_client()
    as_migrated = {url: client.get(url) for url in AS_OF_1}  # release 1 is the current one
    assert {url: r.status_code for url, r in as_migrated.items()} == dict.fromkeys(AS_OF_1, 200)

    bind_database(database_url, role="command")
    first = load_seeds(folders["rename"]).release
    if order == "out of order":
        # The tables kept every field a load records: nothing to add.
        assert first is None
    elif first is not None:
        # The tables kept no resolved place (migration 0004 came after), no curator's
        # coordinates, no article fingerprints (0005): the first load adds them, as a
        # release of its own, and nothing else.
        assert first.counts["event"]["created"] == first.counts["event"]["deleted"] == 0
        for revision in Revision.select().where(Revision.release == first.number):
            before = (
                Revision.select()
                .where((Revision.record == revision.record) & (Revision.id < revision.id))
                .order_by(Revision.id.desc())
                .first()
            )
            changes = field_changes(json.loads(before.content), json.loads(revision.content))
            later = LATER_FIELDS.get(revision.kind, {})
            assert {change["field"] for change in changes} <= set(later)
    assert load_seeds(folders["rename"]).release is None
    report = load_seeds(folders["initial"])
    assert report.release.number == (2 if first is None else 3)
    assert report.release.counts["event"] == {
        "created": 2,  # same-day-b and same-day-c: a rename is only known from previous_slugs
        "updated": 1,
        "deleted": 2,
        "renamed": 0,
    }
    # Release 1 is now a past one, read from its revisions: as it was served.
    for url, then in as_migrated.items():
        now = client.get(url)
        assert now.status_code == 200, (url, now.get_data(as_text=True))
        assert now.get_data() == then.get_data(), url
    assert [path.name[:10] for path in snapshot_dir().iterdir()] == ["release-1-"]
    history = client.get("/api/v1/events/alpha-plan/history")
    assert history.status_code == 200
    assert client.get("/api/v1/sources/gazette-one/history").status_code == 200


@pytest.mark.parametrize("step", STEPS)
def test_seed_folders_are_valid(tmp_path, step):
    from timeline_api.seeds import check_seeds

    assert check_seeds(seed_folders(tmp_path / "seeds")[step]) == []
