"""A first load writes release 1 while the files are read: the same rows, ids, revisions,
search entries and kept files as a load that writes after reading, and nothing at all
when any file has a problem."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from peewee import SqliteDatabase

from tests.conftest import FIXTURE_SEEDS, _reset_postgres
from tests.seeds.test_loader import BROKEN_EVENTS, edit_yaml, snapshot
from timeline_api.database import bind_database, migrate_database, release_database
from timeline_api.models import DatasetState, Event, database
from timeline_api.releases import recording
from timeline_api.releases.recording import event_record
from timeline_api.releases.records import EncodedRecord
from timeline_api.search.index import TABLE
from timeline_api.seeds import SeedError, load_seeds
from timeline_api.seeds import dataset as dataset_module
from timeline_api.seeds import sync as sync_module
from timeline_api.seeds.dataset import read_dataset
from timeline_api.seeds.sync import write_dataset

FROZEN = dt.datetime(2026, 12, 2, 6, 30, tzinfo=dt.UTC)
GENERATED = 40


@pytest.fixture
def frozen_release_time(monkeypatch):
    """Both ways of loading take the same release time."""
    real = recording.release_time

    def frozen(previous, now=None):
        return real(previous, FROZEN)

    monkeypatch.setattr(recording, "release_time", frozen)
    monkeypatch.setattr(sync_module, "release_time", frozen)


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of three events, so a small dataset is written in many of them."""
    monkeypatch.setattr(dataset_module, "READ_CHUNK", 3)


@pytest.fixture
def batches_written(monkeypatch) -> list[int]:
    """The size of each batch the first load wrote."""
    sizes: list[int] = []
    write = sync_module.FirstReleaseWriter.write

    def counting(self, batch):
        write(self, batch)
        if self.writing:
            sizes.append(len(batch.events))

    monkeypatch.setattr(sync_module.FirstReleaseWriter, "write", counting)
    return sizes


def _seeds_with_generated_events(root: Path) -> Path:
    """The fixture seeds and GENERATED more events, related to each other and placed in
    cities, countries and curators' coordinates."""
    folder = root / "seeds"
    shutil.copytree(FIXTURE_SEEDS, folder)
    template = yaml.safe_load((FIXTURE_SEEDS / "events" / "alpha-plan.yaml").read_text())
    template.pop("relations", None)
    for n in range(GENERATED):
        slug = f"generated-{n:03d}"
        event = {**template, "slug": slug, "title": f"Generated {n}"}
        if n % 3 == 0:
            event.update(place=None, coordinates=None, country="CN")
        if n % 5 == 0:
            event["relations"] = [{"type": "responds_to", "target": "generated-001"}]
        (folder / "events" / f"{slug}.yaml").write_text(yaml.safe_dump(event))
    return folder


def _indexes() -> list[tuple]:
    """The indexes of the tables a first load fills (on SQLite it drops and remakes them)."""
    return sorted(
        (index.table, index.name, index.sql, tuple(index.columns), index.unique)
        for model in sync_module.FIRST_LOAD_TABLES
        for index in database.get_indexes(model._meta.table_name)
    )


def _everything() -> dict:
    """Every row of every table, ids included, the search index, the dataset state and
    the indexes."""
    key = "rowid" if isinstance(database.obj, SqliteDatabase) else "event_id"
    search = database.execute_sql(f"SELECT {key}, * FROM {TABLE} ORDER BY {key}").fetchall()
    return {
        **snapshot(),
        "search": [tuple(map(repr, row)) for row in search],
        "state": list(DatasetState.select().tuples()),
        "indexes": _indexes(),
    }


def _fresh(url: str, tmp_path: Path, name: str) -> str:
    """An empty, migrated database: a new SQLite file, or the PostgreSQL one emptied."""
    release_database()
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / name}"
    else:
        _reset_postgres(url)
    bind_database(url, role="command")
    migrate_database()
    return url


@pytest.mark.parametrize("parallel", [False, True], ids=["serial-read", "parallel-read"])
def test_a_first_load_writes_what_loading_after_reading_does(
    database_url,
    tmp_path,
    monkeypatch,
    frozen_release_time,
    small_batches,
    batches_written,
    parallel,
):
    if parallel:
        monkeypatch.setattr(dataset_module, "PARALLEL_READ_FROM", 1)
    seeds = _seeds_with_generated_events(tmp_path)
    events = GENERATED + len(list((FIXTURE_SEEDS / "events").glob("*.yaml")))

    _fresh(database_url, tmp_path, "read-then-written.sqlite3")
    dataset, problems = read_dataset(seeds, workers=1)
    assert problems == []
    after_reading = write_dataset(dataset, "first")
    expected = _everything()
    assert batches_written == []

    _fresh(database_url, tmp_path, "written-while-read.sqlite3")
    report = load_seeds(seeds, "first")
    assert sum(batches_written) == events and max(batches_written) == 3
    assert _everything() == expected
    assert report.summary() == after_reading.summary()
    assert (report.created, report.version) == (after_reading.created, after_reading.version)
    # And a reload finds nothing to change.
    assert load_seeds(seeds).release is None
    release_database()


def _first_file_valid(seeds: Path) -> None:
    """A valid event whose file comes before alpha-plan's: written before the problem."""
    event = yaml.safe_load((seeds / "events" / "same-day-a.yaml").read_text())
    event["slug"] = "aaa-first"
    (seeds / "events" / "aaa-first.yaml").write_text(yaml.safe_dump(event))


@pytest.mark.parametrize(("change", "field", "reason"), BROKEN_EVENTS)
def test_a_first_load_with_a_bad_file_leaves_the_database_empty(
    empty_db, seeds_copy, monkeypatch, batches_written, change, field, reason
):
    monkeypatch.setattr(dataset_module, "READ_CHUNK", 1)
    _first_file_valid(seeds_copy)
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", change)
    empty, indexes = snapshot(), _indexes()
    with pytest.raises(SeedError) as raised:
        load_seeds(seeds_copy)
    assert any(
        p.file.endswith("events/alpha-plan.yaml") and p.field == field and reason in p.reason
        for p in raised.value.problems
    ), raised.value.problems
    assert batches_written  # written, then rolled back
    assert snapshot() == empty
    assert Event.select().count() == 0
    assert _indexes() == indexes and any(not index[-1] for index in indexes)


def test_a_first_load_with_a_bad_catalogue_writes_nothing(empty_db, seeds_copy, batches_written):
    edit_yaml(seeds_copy / "actors.yaml", lambda d: d["actors"].append(dict(d["actors"][0])))
    empty = snapshot()
    with pytest.raises(SeedError, match="duplicate actor slug"):
        load_seeds(seeds_copy)
    assert batches_written == []
    assert snapshot() == empty


def test_a_database_with_data_is_not_loaded_as_a_first_release(empty_db, batches_written):
    load_seeds(FIXTURE_SEEDS)
    assert len(batches_written) == 1
    Event.delete().where(Event.slug == "alpha-plan").execute()  # still not empty
    report = load_seeds(FIXTURE_SEEDS)
    assert len(batches_written) == 1
    assert report.release is None and report.created["events"] == 1  # repaired


@pytest.mark.parametrize("parallel", [False, True], ids=["serial-read", "parallel-read"])
def test_events_encoded_while_read_are_what_the_loader_would_encode(
    tmp_path, monkeypatch, parallel
):
    """The reading processes encode each event with its place as they alone resolve it;
    the loader keeps that only when the dataset places the event alike."""
    if parallel:
        monkeypatch.setattr(dataset_module, "PARALLEL_READ_FROM", 1)
    seeds = _seeds_with_generated_events(tmp_path)
    # Placed differently from alpha-plan (curator's coordinates for the same place).
    edit_yaml(
        seeds / "events" / "generated-001.yaml",
        lambda d: d.update(coordinates={"latitude": 1.0, "longitude": 2.0}),
    )
    dataset, problems = read_dataset(seeds, workers=2 if parallel else 1)
    assert [p.file.rsplit("/", 1)[-1] for p in problems] == ["generated-001.yaml"]
    places = {place["slug"]: place for place in dataset.places}
    known = dataset.known_digests
    for event in dataset.events:
        key = ("event", event["slug"])
        if event["slug"] == "generated-001":  # its place is a problem: not kept
            assert key not in known and key not in dataset.known_texts
            continue
        fresh = EncodedRecord("event", event_record(event, places.get(event["_place"])))
        assert (known[key], dataset.known_texts[key]) == (fresh.digest, fresh.text)
