"""Reloads do only the work their changes need: unchanged files are not parsed again, and
only the changed events' rows and search entries are rewritten, with the same result as
comparing everything."""

import shutil
from pathlib import Path

import pytest
import yaml
from peewee import SqliteDatabase

from tests.release_timeline import STEPS, edit_yaml, seed_folders
from timeline_api.models import (
    Actor,
    DatasetState,
    Event,
    EventActor,
    ParsedSeedFile,
    Record,
    database,
)
from timeline_api.releases.recording import records_of
from timeline_api.releases.records import encode_records
from timeline_api.search import search_backend
from timeline_api.search.index import TABLE
from timeline_api.seeds import SeedError, load_seeds
from timeline_api.seeds import dataset as dataset_module
from timeline_api.seeds import files as files_module
from timeline_api.seeds import sync as sync_module
from timeline_api.seeds.dataset import read_dataset
from timeline_api.seeds.sync import LoadReport, sync_tables


@pytest.fixture
def parsed_paths(monkeypatch) -> list[str]:
    """Names of the seed files each load parses (rather than reuses)."""
    names: list[str] = []
    read = dataset_module._read

    def recording(path, problems, kept_digest=None):
        seed_file = read(path, problems, kept_digest)
        if seed_file is None or seed_file.digest != kept_digest:  # else only its digest read
            names.append(path.name)
        return seed_file

    monkeypatch.setattr(dataset_module, "_read", recording)
    return names


def _search_rows() -> list[tuple]:
    key = "rowid" if isinstance(database.obj, SqliteDatabase) else "event_id"
    cursor = database.execute_sql(
        f"SELECT {key}, title, summary, quotes, actors, place FROM {TABLE} ORDER BY {key}"
    )
    return [tuple(row) for row in cursor.fetchall()]


def _assert_nothing_left_to_write(folder: Path) -> None:
    """What comparing every table and record and re-indexing every event would still
    change: nothing."""
    dataset, problems = read_dataset(folder)
    assert problems == []
    meta = {
        slug: (created, updated, revision)
        for slug, created, updated, revision in Event.select(
            Event.slug, Event.created_at, Event.updated_at, Event.revision
        ).tuples()
    }
    report = LoadReport()
    with database.atomic() as transaction:
        sync_tables(dataset, meta, report)
        transaction.rollback()
    assert (+report.created, +report.updated, +report.deleted) == ({}, {}, {})
    fresh = encode_records(records_of(dataset))  # no digest taken from an earlier load
    live = Record.select(Record.kind, Record.slug, Record.digest).where(
        Record.deleted_release.is_null()
    )
    assert sorted(live.tuples()) == sorted(
        (kind, item.slug, item.digest) for kind, items in fresh.items() for item in items
    )
    indexed = _search_rows()
    with database.atomic() as transaction:
        search_backend(database.obj).rebuild(database.obj)
        assert _search_rows() == indexed
        transaction.rollback()


def _events_of_first_actor() -> set[int]:
    actor = Actor.get(Actor.name == "Renamed Display Name")
    return {link.event_id for link in EventActor.select().where(EventActor.actor == actor)}


def _actor_renamed(source: Path, target: Path) -> Path:
    """The last step's folder with an actor's display name changed (its slug kept)."""
    shutil.copytree(source, target)
    actors = target / "actors.yaml"
    data = yaml.safe_load(actors.read_text())
    data["actors"][0]["name"] = "Renamed Display Name"
    actors.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return target


def test_each_release_writes_only_its_changes_with_the_result_of_a_full_comparison(
    empty_db, tmp_path, parsed_paths
):
    folders = seed_folders(tmp_path)
    folders["actor"] = _actor_renamed(folders["rename"], tmp_path / "actor")
    for step in [*STEPS, "actor"]:
        parsed_paths.clear()
        report = load_seeds(folders[step])
        parsed = list(parsed_paths)
        assert report.changed, step
        _assert_nothing_left_to_write(folders[step])
        if step == "edit":
            assert parsed == ["alpha-plan.yaml"]
            assert report.updated["events"] == 1
            assert not report.updated["event tags"] and not report.created["quotes"]
        if step == "actor":
            assert parsed == ["actors.yaml"]
            named = [row for row in _search_rows() if "Renamed Display Name" in row[4]]
            assert named == [row for row in _search_rows() if row[0] in _events_of_first_actor()]
            assert named  # the events naming the actor were re-indexed


def test_catalogue_changes_are_written_by_a_load_comparing_only_what_it_changed(empty_db, tmp_path):
    """Sources, actors and tags, like events, are compared only where the release changed
    them: an addition, an edit and a removal each leave nothing to write."""
    folder = seed_folders(tmp_path)["initial"]
    load_seeds(folder)

    def sources(change):
        edit_yaml(folder / "sources.yaml", lambda d: change(d["sources"]))

    def tags(change):
        edit_yaml(folder / "tags.yaml", lambda d: change(d["tags"]))

    sources(lambda items: items.append({**items[0], "slug": "added-source"}))
    tags(lambda items: items.append({"slug": "added-tag", "name": "Added"}))
    report = load_seeds(folder)
    assert (report.created["sources"], report.created["tags"]) == (1, 1)
    _assert_nothing_left_to_write(folder)

    tags(lambda items: items[-1].update(name="Added, renamed"))
    report = load_seeds(folder)
    assert report.updated["tags"] == 1 and not report.updated["sources"]
    _assert_nothing_left_to_write(folder)

    sources(lambda items: items.pop())
    tags(lambda items: items.pop())
    report = load_seeds(folder)
    assert (report.deleted["sources"], report.deleted["tags"]) == (1, 1)
    _assert_nothing_left_to_write(folder)


def test_an_unchanged_reload_parses_no_event_file(empty_db, tmp_path, parsed_paths):
    folders = seed_folders(tmp_path)
    load_seeds(folders["initial"])
    first = list(parsed_paths)
    parsed_paths.clear()
    assert not load_seeds(folders["initial"]).changed
    assert first and parsed_paths == []


def test_a_change_to_the_validating_code_parses_every_file_again(
    empty_db, tmp_path, parsed_paths, monkeypatch
):
    folders = seed_folders(tmp_path)
    load_seeds(folders["initial"])
    parsed_paths.clear()
    monkeypatch.setattr(files_module, "_reading_code", lambda: b"another version")
    load_seeds(folders["initial"])
    events = [p.name for p in (folders["initial"] / "events").iterdir()]
    assert sorted(parsed_paths) == sorted(["actors.yaml", "sources.yaml", "tags.yaml", *events])


def test_a_failed_load_leaves_the_kept_files_as_they_were(empty_db, tmp_path):
    folders = seed_folders(tmp_path)
    load_seeds(folders["initial"])
    kept = sorted(ParsedSeedFile.select().tuples())
    assert [name for name, *_ in kept] == sorted(
        ["actors.yaml", "sources.yaml", "tags.yaml"]
        + [f"events/{p.name}" for p in (folders["initial"] / "events").iterdir()]
    )
    with pytest.raises(SeedError):
        load_seeds(folders["broken"])
    assert sorted(ParsedSeedFile.select().tuples()) == kept


def test_a_removed_file_is_forgotten_and_a_restored_one_parsed_again(
    empty_db, tmp_path, parsed_paths
):
    folders = seed_folders(tmp_path)
    load_seeds(folders["addition"])
    load_seeds(folders["removal"])  # same-day-c.yaml removed
    assert not ParsedSeedFile.select().where(ParsedSeedFile.name == "events/same-day-c.yaml")
    parsed_paths.clear()
    load_seeds(folders["addition"])
    assert parsed_paths == ["same-day-c.yaml"]


def test_tables_written_by_other_code_are_compared_whole(empty_db, tmp_path, monkeypatch):
    """After a code change (here: a stand-in version, and the event locations its tables
    would hold differently) a load with one change still leaves what a full load gives."""
    folders = seed_folders(tmp_path)
    load_seeds(folders["initial"])
    Event.update(location=None).execute()  # what other code had written
    monkeypatch.setattr(sync_module, "tables_code_version", lambda: "another version")
    report = load_seeds(folders["edit"])
    assert report.changed
    _assert_nothing_left_to_write(folders["edit"])
    assert DatasetState.get_by_id(1).written_by == "another version"
