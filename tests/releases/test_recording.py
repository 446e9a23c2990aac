"""Releases made by seed loads: numbered, counted, immutable, and only when data changed."""

import json

import pytest

from tests.release_timeline import STEPS, seed_folders
from timeline_api.database import bind_database, migrate_database
from timeline_api.models import DatasetState, Event, Record, Release, Revision, database
from timeline_api.releases.lookup import field_changes
from timeline_api.releases.records import iso, release_version
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


def test_an_existing_database_is_migrated_to_release_1(database_url, tmp_path):
    """A database loaded before releases existed: its state becomes release 1, and loading
    the same seeds again is still a no-op."""
    from playhouse.migrations import Runner

    from timeline_api.database import MIGRATIONS_DIR

    folders = seed_folders(tmp_path / "seeds")
    bind_database(database_url, role="command")
    migrate_database()
    load_seeds(folders["rename"])
    # Take the database back to before migration 0003 (and those after it), as a deployed
    # one was.
    with database.atomic():
        taken_down = Runner(database.obj, str(MIGRATIONS_DIR)).down("0003_add_releases")
    assert migrate_database() == sorted(taken_down)
    (release,) = Release.select()
    assert release.number == 1 and "migration 0003" in release.message
    assert counts(release)["event"]["created"] == 6
    assert Event.get(Event.slug == "alpha-plan").revision == 1
    assert DatasetState.get_by_id(1).release == 1
    # The tables kept no resolved place (migration 0004 came after), no curator's
    # coordinates, no article fingerprints (0005): the first load adds them, as a release
    # of its own, and nothing else.
    first = load_seeds(folders["rename"]).release
    if first is not None:
        assert first.counts["event"]["created"] == first.counts["event"]["deleted"] == 0
        for revision in Revision.select().where(Revision.release == first.number):
            before = (
                Revision.select()
                .where((Revision.record == revision.record) & (Revision.id < revision.id))
                .order_by(Revision.id.desc())
                .first()
            )
            old = json.loads(before.content)
            changes = field_changes(old, json.loads(revision.content))
            # Only fields the migrated tables did not keep (later migrations' additions).
            assert all(change["field"] not in old for change in changes)
    assert load_seeds(folders["rename"]).release is None
    report = load_seeds(folders["initial"])
    assert report.release.number == (2 if first is None else 3)
    assert report.release.counts["event"] == {
        "created": 2,  # same-day-b and same-day-c: a rename is only known from previous_slugs
        "updated": 1,
        "deleted": 2,
        "renamed": 0,
    }


@pytest.mark.parametrize("step", STEPS)
def test_seed_folders_are_valid(tmp_path, step):
    from timeline_api.seeds import check_seeds

    assert check_seeds(seed_folders(tmp_path / "seeds")[step]) == []
