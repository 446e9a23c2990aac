"""Making the database match a validated dataset, writing only what differs.

Rows are matched on their natural keys (slugs, link tuples), so loading the same
seeds twice writes nothing, and whatever was removed from the seeds is deleted.
"""

import functools
import operator
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from typing import NamedTuple

from peewee import Model, PostgresqlDatabase, SqliteDatabase, chunked, fn

from timeline_api.bulk import insert_rows, insert_values, raw_rows, update_rows
from timeline_api.dates import parse_partial_date
from timeline_api.fingerprints import PACKAGE_DIR, source_digest
from timeline_api.models import (
    Actor,
    Citation,
    DatasetState,
    Event,
    EventActor,
    EventPoint,
    EventRelation,
    EventTag,
    ParsedSeedFile,
    Place,
    Quote,
    Record,
    Release,
    Revision,
    Source,
    Tag,
    database,
)
from timeline_api.releases.recording import (
    RecordedRelease,
    event_record,
    record_release,
    records_of,
    release_time,
    write_first_records,
    write_first_release,
)
from timeline_api.releases.records import (
    KINDS,
    PLURALS,
    EncodedRecord,
    content_version,
    encode_records,
    iso,
    release_version,
)
from timeline_api.search import search_backend
from timeline_api.search.index import EventSearchIndex
from timeline_api.seeds.dataset import Dataset, EventBatch, references_resolve
from timeline_api.seeds.parsed import kept_rows, store_parsed_files

SOURCE_FIELDS = [
    "publisher",
    "publisher_note",
    "headline",
    "dateline",
    "published_as_given",
    "published",
    "published_precision",
    "published_note",
    "language",
    "article_file",
    "url",
    "article_sha256",
    "article_checked",
]
ACTOR_FIELDS = ["name", "actor_type", "country", "description"]
TAG_FIELDS = ["name", "description"]
EVENT_FIELDS = [
    "title",
    "summary",
    "date",
    "date_precision",
    "date_start",
    "date_end",
    "date_note",
    "event_type",
    "place",
    "country",
    "location",
    "created_at",
    "updated_at",
    "revision",
]
PLACE_FIELDS = [
    "name",
    "country",
    "latitude",
    "longitude",
    "gazetteer_id",
    "geo_precision",
    "coordinates_from",
]
IN_BATCH = 500  # values per "IN (…)": well under SQLite's and PostgreSQL's limits
SEED_LOCK_ID = 7_202_009  # any constant shared by every process that loads seeds


@dataclass
class LoadReport:
    """What a load changed: the release it made (None when nothing changed), its counts
    by kind of record, and the rows written by table (`created`, `updated`, `deleted`)."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    version: str = ""  # the content's digest: the same seeds give the same one
    event_count: int = 0
    release: RecordedRelease | None = None

    @property
    def changed(self) -> bool:
        return self.release is not None

    def summary(self) -> str:
        if self.release is None:
            return f"{self.event_count} events; nothing changed, no new release."
        parts = []
        for kind in KINDS:
            counts = self.release.counts[kind]
            done = [f"{n} {change}" for change, n in counts.items() if n]
            if done:
                parts.append(f"{PLURALS[kind]}: " + ", ".join(done))
        return (
            f"Release {self.release.number} ({self.release.created_at.isoformat()}Z): "
            f"{self.event_count} events; "
            + "; ".join(parts)
            + f" (data version {self.version[:12]})."
        )


def dataset_version(dataset: Dataset) -> str:
    """A digest of the dataset's content: the same seeds give the same version."""
    return content_version(encode_records(records_of(dataset)))


def _rows_where_in(query, field, values, read=raw_rows) -> list:
    """The rows of `query` whose `field` is one of `values`, asked in batches; `read`
    turns each batch's query into rows (`list`: as peewee converts them)."""
    return [
        row for batch in chunked(values, IN_BATCH) for row in read(query.where(field.in_(batch)))
    ]


def _sync_by_slug(
    model: type[Model],
    records: list[dict],
    only: set[str] | None,
    fields: list[str],
    report: LoadReport,
    kind: str,
) -> tuple[dict[str, int], list[int]]:
    """Insert and update rows by slug; return slug->id and the ids left to delete.

    `only`: the slugs that may have changed (records holds just those); other rows are
    neither read nor written. None: every row is compared.
    """
    query = model.select().dicts()
    rows = query if only is None else _rows_where_in(query, model.slug, sorted(only), list)
    existing = {row["slug"]: row for row in rows}
    desired = {record["slug"]: {name: record[name] for name in fields} for record in records}
    new_rows = [
        {"slug": slug, **values} for slug, values in desired.items() if slug not in existing
    ]
    insert_rows(model, new_rows)
    report.created[kind] += len(new_rows)
    changed_rows = [
        {"id": existing[slug]["id"], **values}
        for slug, values in desired.items()
        if slug in existing and any(existing[slug][name] != value for name, value in values.items())
    ]
    update_rows(model, changed_rows)
    report.updated[kind] += len(changed_rows)
    stale_ids = [row["id"] for slug, row in existing.items() if slug not in desired]
    ids = dict(raw_rows(model.select(model.slug, model.id)))
    return ids, stale_ids


class LinkTable(NamedTuple):
    """A table whose rows are keyed by a tuple of columns (an event's tags, say)."""

    model: type[Model]
    keys: list[str]
    values: list[str]
    kind: str  # what LoadReport counts its rows as


EVENT_TAGS = LinkTable(EventTag, ["event", "tag"], [], "event tags")
EVENT_ACTORS = LinkTable(EventActor, ["event", "actor", "role"], ["position"], "event actors")
CITATIONS = LinkTable(Citation, ["event", "source"], ["position"], "citations")
POINTS = LinkTable(EventPoint, ["event", "position"], ["source", "summary", "quote"], "points")
RELATIONS = LinkTable(EventRelation, ["event", "target", "relation_type"], ["note"], "relations")
QUOTES = LinkTable(Quote, ["citation", "position"], ["text"], "quotes")


def _insert_links(table: LinkTable, rows: dict[tuple, tuple], report: LoadReport) -> None:
    """Insert `rows` ({key tuple: value tuple}) into `table`."""
    insert_values(table.model, table.keys + table.values, [key + v for key, v in rows.items()])
    report.created[table.kind] += len(rows)


def _sync_keyed(
    table: LinkTable,
    desired: dict[tuple, tuple],
    report: LoadReport,
    scope: list[int] | None = None,
) -> None:
    """Make the rows of a link table equal `desired` ({key tuple: value tuple}).

    `scope`: ids of the first key field (an event or a citation) whose rows may have
    changed; desired holds just their rows, and no other row is read or written.
    """
    model, key_fields, value_fields, kind = table
    columns = [getattr(model, name) for name in key_fields + value_fields]
    query = model.select(*columns)
    rows = raw_rows(query) if scope is None else _rows_where_in(query, columns[0], scope)
    existing = {row[: len(key_fields)]: row[len(key_fields) :] for row in rows}

    def where(key: tuple):
        return reduce(
            operator.and_,
            [getattr(model, name) == value for name, value in zip(key_fields, key, strict=True)],
        )

    for key in existing.keys() - desired.keys():
        model.delete().where(where(key)).execute()
        report.deleted[kind] += 1
    new = {key: values for key, values in desired.items() if key not in existing}
    _insert_links(table, new, report)
    for key, values in desired.items():
        if key in existing and existing[key] != values:
            model.update(dict(zip(value_fields, values, strict=True))).where(where(key)).execute()
            report.updated[kind] += 1


def _event_rows(
    events: list[dict], place_ids: dict[str, int], meta: dict[str, tuple]
) -> list[dict]:
    rows = []
    for event in events:
        period = parse_partial_date(event["date"])
        created_at, updated_at, revision = meta.get(event["slug"], (None, None, None))
        rows.append(
            {
                **event,
                "date_start": period.start,
                "date_end": period.end,
                "location": place_ids[event["_place"]] if event.get("_place") else None,
                "created_at": created_at,
                "updated_at": updated_at,
                "revision": revision,
            }
        )
    return rows


def _load_transaction():
    """One transaction that also keeps every other loader out until it ends: on SQLite an
    IMMEDIATE transaction (the write lock from the start, so the comparison with the
    latest release is never stale), on PostgreSQL an advisory lock."""
    if isinstance(database.obj, SqliteDatabase):
        return database.atomic("IMMEDIATE")
    return database.atomic()


def _take_seed_lock() -> None:
    if isinstance(database.obj, PostgresqlDatabase):
        # Replicas seeding at start-up take turns; the second then finds nothing to do.
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (SEED_LOCK_ID,))


def _finish_load(
    dataset: Dataset,
    encoded: dict[str, list[EncodedRecord]],
    report: LoadReport,
    search: EventSearchIndex,
) -> None:
    """The last writes of a load: the state the tables show, and the files kept."""
    if report.release is not None:
        release = report.release
        values = {
            "version": release_version(release.number, report.version),
            "event_count": report.event_count,
            "loaded_at": release.created_at,
            "release": release.number,
            "written_by": tables_code_version(),
        }
        DatasetState.insert(id=1, **values).on_conflict(
            conflict_target=[DatasetState.id], update=values
        ).execute()
    places = {place["slug"]: place for place in dataset.places}
    event_places = {event["_file"]: places.get(event["_place"]) for event in dataset.events}
    new_files = {name for name, kept in dataset.parsed_files.items() if kept.encoded is None}
    store_parsed_files(dataset.parsed_files, _digests_by_file(encoded, new_files), event_places)
    if search.needs_rebuild(database.obj):
        search.rebuild(database.obj)


def write_dataset(dataset: Dataset, message: str | None = None) -> LoadReport:
    """Write a validated dataset and its release in one transaction; a failure (or a
    killed process) leaves the database, the releases and the history as they were."""
    # Once: for the version and the release; reused files' records keep their digests.
    encoded = encode_records(records_of(dataset), dataset.known_digests, dataset.known_texts)
    report = LoadReport(version=content_version(encoded), event_count=len(dataset.events))
    with _load_transaction():
        _take_seed_lock()
        state = DatasetState.select(DatasetState.release, DatasetState.written_by)
        shown, written_by = state.where(DatasetState.id == 1).tuples().first() or (None, None)
        latest = Release.select(fn.MAX(Release.number)).scalar()
        tables_current = (
            latest is not None and shown == latest and written_by == tables_code_version()
        )
        report.release, event_meta = record_release(
            encoded, report.version, report.event_count, message
        )
        search = search_backend(database.obj)
        if tables_current and report.release is not None:
            # The tables show the release before this one: only the records it changes
            # can differ, and the index only for their events and those of renamed actors.
            changed = report.release.changed
            scope = sync_tables(dataset, event_meta, report, changed)
            search.rebuild(database.obj, sorted(set(scope) | _events_of_actors(changed["actor"])))
        else:
            # Compared whole: a first load, tables not written by the load that made the
            # latest release or by other code (a new version, a migration), or a load that
            # changes nothing, which repairs the tables if something else changed them.
            sync_tables(dataset, event_meta, report)
            if +report.created or +report.updated or +report.deleted or not tables_current:
                search.rebuild(database.obj)
            DatasetState.update(written_by=tables_code_version()).execute()
        _finish_load(dataset, encoded, report, search)
    return report


@functools.cache
def tables_code_version() -> str:
    """A digest of the code that decides what the tables and the search index hold, and
    of the migrations applied with it."""
    return source_digest(
        [
            PACKAGE_DIR / "seeds" / "sync.py",
            PACKAGE_DIR / "bulk.py",
            PACKAGE_DIR / "dates.py",
            PACKAGE_DIR / "models.py",
            *sorted((PACKAGE_DIR / "search").glob("*.py")),
            *sorted((PACKAGE_DIR / "migrations").glob("*.py")),
        ]
    )


def _digests_by_file(
    encoded: dict[str, list[EncodedRecord]], names: set[str]
) -> dict[str, list[str]]:
    """{file name: its records' canonical digests, in file order}, of the files `names`."""
    by_file: dict[str, list[tuple]] = {}
    for items in encoded.values():
        for item in items:
            name = item.record["_file"]
            if name in names:
                by_file.setdefault(name, []).append((item.record["_path"], item.digest))
    return {name: [digest for _, digest in sorted(pairs)] for name, pairs in by_file.items()}


def _events_of_actors(slugs: set[str]) -> set[int]:
    """Ids of the events naming one of the actors `slugs`: their indexed text holds its name."""
    if not slugs:
        return set()
    actor_ids = [
        actor_id
        for (actor_id,) in _rows_where_in(
            Actor.select(Actor.id).tuples(), Actor.slug, sorted(slugs)
        )
    ]
    query = EventActor.select(EventActor.event).tuples()
    return {event_id for (event_id,) in _rows_where_in(query, EventActor.actor, actor_ids)}


def sync_tables(
    dataset: Dataset,
    event_meta: dict[str, tuple],
    report: LoadReport,
    changed: dict[str, set[str]] | None = None,
) -> list[int]:
    """Make the tables equal `dataset`, writing only what differs (counted in `report`).

    `changed`: {kind: the slugs of its records that may differ} (a release's changed
    records, old slugs of renamed ones included); the rows of the others are neither read
    nor written. Places, few and derived from the events, are compared whole. Returns the
    ids of the events whose rows were compared (all of them without `changed`).
    """

    def scoped(kind: str, records: list[dict]) -> tuple[list[dict], set[str] | None]:
        if changed is None:
            return records, None
        return [record for record in records if record["slug"] in changed[kind]], changed[kind]

    source_ids, stale_sources = _sync_by_slug(
        Source, *scoped("source", dataset.sources), SOURCE_FIELDS, report, "sources"
    )
    actor_ids, stale_actors = _sync_by_slug(
        Actor, *scoped("actor", dataset.actors), ACTOR_FIELDS, report, "actors"
    )
    tag_ids, stale_tags = _sync_by_slug(
        Tag, *scoped("tag", dataset.tags), TAG_FIELDS, report, "tags"
    )
    place_ids, stale_places = _sync_by_slug(
        Place, dataset.places, None, PLACE_FIELDS, report, "places"
    )
    events, only_events = scoped("event", dataset.events)
    event_ids, stale_events = _sync_by_slug(
        Event,
        _event_rows(events, place_ids, event_meta),
        only_events,
        EVENT_FIELDS,
        report,
        "events",
    )
    scope = (
        None
        if only_events is None
        else sorted(event_ids[slug] for slug in only_events if slug in event_ids)
    )

    tags, actors, citations, points = _link_rows(events, event_ids, source_ids, actor_ids, tag_ids)
    relations = _relation_rows(events, event_ids)
    for table, desired in (
        (EVENT_TAGS, tags),
        (EVENT_ACTORS, actors),
        (CITATIONS, citations),
        (POINTS, points),
        (RELATIONS, relations),
    ):
        _sync_keyed(table, desired, report, scope)

    citation_query = Citation.select(Citation.id, Citation.event, Citation.source)
    citation_rows = (
        raw_rows(citation_query)
        if scope is None
        else _rows_where_in(citation_query, Citation.event, scope)
    )
    citation_ids = {(e, s): i for i, e, s in citation_rows}
    quotes = _quote_rows(events, event_ids, source_ids, citation_ids)
    # A removed citation's quotes went with it (ON DELETE CASCADE).
    quote_scope = None if scope is None else sorted(citation_ids.values())
    _sync_keyed(QUOTES, quotes, report, quote_scope)

    for model, stale, kind in (
        (Event, stale_events, "events"),
        (Source, stale_sources, "sources"),
        (Actor, stale_actors, "actors"),
        (Tag, stale_tags, "tags"),
        (Place, stale_places, "places"),
    ):
        for batch in chunked(stale, IN_BATCH):  # SQLite and PostgreSQL bound IN lists
            model.delete().where(model.id.in_(batch)).execute()
        report.deleted[kind] += len(stale)
    return list(event_ids.values()) if scope is None else scope


def _link_rows(
    events: list[dict],
    event_ids: dict[str, int],
    source_ids: dict[str, int],
    actor_ids: dict[str, int],
    tag_ids: dict[str, int],
) -> tuple[dict, dict, dict, dict]:
    """{key tuple: value tuple} of the events' tags, actors, citations and points."""
    tags, actors, citations, points = {}, {}, {}, {}
    for event in events:
        event_id = event_ids[event["slug"]]
        for tag in event["tags"]:
            tags[(event_id, tag_ids[tag])] = ()
        for position, link in enumerate(event["actors"]):
            actors[(event_id, actor_ids[link["actor"]], link["role"])] = (position,)
        for position, citation in enumerate(event["citations"]):
            citations[(event_id, source_ids[citation["source"]])] = (position,)
        for position, point in enumerate(event["points"]):
            points[(event_id, position)] = (
                source_ids[point["source"]],
                point["summary"],
                point["quote"],
            )
    return tags, actors, citations, points


def _relation_rows(events: list[dict], event_ids: dict[str, int]) -> dict:
    relations = {}
    for event in events:
        event_id = event_ids[event["slug"]]
        for relation in event["relations"]:
            relations[(event_id, event_ids[relation["target"]], relation["type"])] = (
                relation["note"],
            )
    return relations


def _quote_rows(
    events: list[dict],
    event_ids: dict[str, int],
    source_ids: dict[str, int],
    citation_ids: dict[tuple[int, int], int],
) -> dict:
    quotes = {}
    for event in events:
        event_id = event_ids[event["slug"]]
        for citation in event["citations"]:
            citation_id = citation_ids[(event_id, source_ids[citation["source"]])]
            for position, text in enumerate(citation["quotes"]):
                quotes[(citation_id, position)] = (text,)
    return quotes


# The tables a first load fills, whose non-unique indexes it builds once at the end.
FIRST_LOAD_TABLES = (
    *(Event, EventTag, EventActor, Citation, EventPoint, EventRelation, Quote),
    *(Place, Record, Revision),
)


def _drop_deferred_indexes() -> list[str]:
    """On SQLite, drop the non-unique indexes of the tables a first load fills and return
    the statements that make them again: building each once at the end costs less than
    keeping it up to date row by row (100,000 events: the loader used 35 s of CPU, not 38).
    Unique indexes stay, as they check the rows. Not on PostgreSQL, where DROP INDEX would
    lock the replicas' reads of the table until the load commits."""
    if not isinstance(database.obj, SqliteDatabase):
        return []
    indexes = [
        index
        for model in FIRST_LOAD_TABLES
        for index in database.get_indexes(model._meta.table_name)
        if not index.unique
    ]
    for index in indexes:
        database.execute_sql(f'DROP INDEX "{index.name}"')
    return [index.sql for index in indexes]


@contextmanager
def first_release_writer() -> Iterator["FirstReleaseWriter | None"]:
    """The load's transaction and lock, with a FirstReleaseWriter when the database holds
    no data yet (else None: nothing is written and the load goes the usual way)."""
    with _load_transaction():
        _take_seed_lock()
        models = (Release, Record, Source, Actor, Tag, Place, Event, ParsedSeedFile)
        empty = not any(model.select().exists() for model in models)
        yield FirstReleaseWriter(_drop_deferred_indexes()) if empty else None


class FirstReleaseWriter:
    """Writes the first release while the event files are still being read: given to
    read_dataset as `on_events`, it writes each batch of events as it comes (their rows,
    links, records and revisions, and kept files), so the database's work
    overlaps the reading processes' (a 100,000-event load did all of it after them, on one
    core, for 28 s). The tables are empty, so every row is new and nothing is compared;
    the rows are the ones write_dataset would write, with the same ids
    (tests/seeds/test_first_release.py). At the first problem it stops writing: the load
    then fails and its transaction (first_release_writer) is rolled back."""

    def __init__(self, deferred_indexes: list[str]) -> None:
        self.deferred_indexes = deferred_indexes  # made again by finish
        self.report = LoadReport()
        self.now = release_time(None)  # the release's time, as its events' rows carry it
        self.writing = True
        self.source_ids: dict[str, int] | None = None
        self.actor_ids: dict[str, int] = {}
        self.tag_ids: dict[str, int] = {}
        self.place_ids: dict[str, int] = {}
        self.event_ids: dict[str, int] = {}
        self.encoded: dict[str, list[EncodedRecord]] = {kind: [] for kind in KINDS}
        self.next_record = 1
        self.last_id = 0  # of the events written so far (none before: the table was empty)
        self.search = search_backend(database.obj)

    def write(self, batch: EventBatch) -> None:
        """read_dataset's on_events: write a batch of read, placed events."""
        self.writing = self.writing and batch.clean
        if self.writing and self.source_ids is None:
            self._write_catalogues(batch.dataset)
        if not (self.writing and self._writable(batch.events)):
            self.writing = False
            return
        report = self.report
        new_places = [
            batch.places[slug]
            for slug in dict.fromkeys(event["_place"] for event in batch.events)
            if slug is not None and slug not in self.place_ids
        ]
        insert_rows(Place, [_row(place, PLACE_FIELDS) for place in new_places])
        report.created["places"] += len(new_places)
        query = Place.select(Place.slug, Place.id)
        self.place_ids.update(_rows_where_in(query, Place.slug, [p["slug"] for p in new_places]))

        stamp = iso(self.now)
        first = {event["slug"]: (stamp, stamp, 1) for event in batch.events}
        rows = _event_rows(batch.events, self.place_ids, first)
        insert_rows(Event, [_row(row, EVENT_FIELDS) for row in rows])
        report.created["events"] += len(rows)
        # Read back by range: peewee's IN (…) of 500 slugs cost more to build than to run.
        ids = dict(raw_rows(Event.select(Event.slug, Event.id).where(Event.id > self.last_id)))
        if ids.keys() != {event["slug"] for event in batch.events}:
            raise RuntimeError("the event table changed during the first load")
        first_id, self.last_id = self.last_id + 1, max(ids.values())
        self.event_ids.update(ids)

        tags, actors, citations, points = _link_rows(
            batch.events, ids, self.source_ids, self.actor_ids, self.tag_ids
        )
        for table, rows in (
            (EVENT_TAGS, tags),
            (EVENT_ACTORS, actors),
            (CITATIONS, citations),
            (POINTS, points),
        ):
            _insert_links(table, rows, report)
        query = Citation.select(Citation.id, Citation.event, Citation.source)
        citation_rows = raw_rows(query.where(Citation.event.between(first_id, self.last_id)))
        citation_ids = {(e, s): i for i, e, s in citation_rows}
        _insert_links(QUOTES, _quote_rows(batch.events, ids, self.source_ids, citation_ids), report)

        records = [event_record(event, batch.places.get(event["_place"])) for event in batch.events]
        dataset = batch.dataset
        (encoded,) = encode_records(
            {"event": records}, dataset.known_digests, dataset.known_texts
        ).values()  # in slug order, as the files are read
        self._write_records(encoded)
        names = [event["_file"] for event in batch.events]
        insert_rows(
            ParsedSeedFile,
            kept_rows(
                {name: batch.dataset.parsed_files[name] for name in names},
                {name: [item.digest] for name, item in zip(names, encoded, strict=True)},
                {event["_file"]: batch.places.get(event["_place"]) for event in batch.events},
            ),
        )

    def _write_records(self, items: list[EncodedRecord]) -> None:
        """Records and revisions in release 1's order: kinds in KINDS order, slugs in order
        (event files are read in slug order)."""
        if not items:
            return
        written = self.encoded[items[0].kind]
        slugs = [item.slug for item in written[-1:] + items]
        if slugs != sorted(set(slugs)):
            raise RuntimeError(f"{items[0].kind} records out of slug order")
        write_first_records(items, self.next_record)
        self.next_record += len(items)
        written.extend(items)

    def _write_catalogues(self, dataset: Dataset) -> None:
        catalogues = (dataset.sources, dataset.actors, dataset.tags)
        if any(len({r["slug"] for r in records}) != len(records) for records in catalogues):
            self.writing = False  # duplicate slugs: the load fails (check_references)
            return
        report = self.report
        self.source_ids, _ = _sync_by_slug(
            Source, dataset.sources, None, SOURCE_FIELDS, report, "sources"
        )
        self.actor_ids, _ = _sync_by_slug(
            Actor, dataset.actors, None, ACTOR_FIELDS, report, "actors"
        )
        self.tag_ids, _ = _sync_by_slug(Tag, dataset.tags, None, TAG_FIELDS, report, "tags")
        encoded = encode_records({kind: getattr(dataset, PLURALS[kind]) for kind in KINDS[:3]})
        for kind in KINDS[:3]:
            self._write_records(encoded[kind])

    def _writable(self, events: list[dict]) -> bool:
        """Whether every reference resolves and every date parses (else check_references
        reports it, and the load fails)."""
        sources, actors, tags = self.source_ids, self.actor_ids, self.tag_ids
        for event in events:
            try:
                parse_partial_date(event["date"])
            except ValueError:
                return False
            if not references_resolve(event, actors, tags, sources):
                return False
        return True

    def finish(self, dataset: Dataset, message: str | None = None) -> LoadReport:
        """The rest of a valid dataset's load: its relations, and the release."""
        if self.writing and self.source_ids is None:  # no event files
            self._write_catalogues(dataset)
        if not self.writing:
            raise RuntimeError("the first load stopped writing a dataset found valid")
        for statement in self.deferred_indexes:  # before the search statement's joins
            database.execute_sql(statement)
        report = self.report
        _insert_links(RELATIONS, _relation_rows(dataset.events, self.event_ids), report)
        # At once: indexing batch by batch, overlapping the reading, made the load slower.
        self.search.rebuild(database.obj)
        report.version, report.event_count = content_version(self.encoded), len(dataset.events)
        report.release = write_first_release(
            self.encoded, self.now, report.version, report.event_count, message
        )
        DatasetState.update(written_by=tables_code_version()).execute()
        _finish_load(dataset, self.encoded, report, self.search)
        return report


def _row(record: dict, fields: list[str]) -> dict:
    """A table row of a record: its slug and `fields`."""
    return {"slug": record["slug"], **{name: record[name] for name in fields}}
