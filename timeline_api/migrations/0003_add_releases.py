"""Releases and revisions; an already loaded database becomes release 1.

The tables are frozen copies of the models, and the existing data is read with plain SQL
over the columns that exist when this runs, so later migrations cannot change what this
one does. On a database loaded before releases were merged, 0004 (places) and 0005
(article fingerprints) ran first, although numbered after this one: their columns then
hold what the loader records, and release 1 keeps it, so loading the same seeds again
changes nothing. A field the tables do not have yet is recorded as LATER_FIELDS says.
"""

import datetime as dt

from peewee import *

from timeline_api.releases.recording import record_release
from timeline_api.releases.records import (
    LATER_FIELDS,
    content_version,
    encode_records,
    iso,
    release_version,
)

BASELINE_MESSAGE = "The data as it stood when releases began (migration 0003)."


def up(migrator, db):
    class Release(Model):
        number = IntegerField(primary_key=True)
        created_at = DateTimeField()
        data_version = CharField(max_length=64)
        message = TextField(null=True)
        counts = TextField()
        event_count = IntegerField()

        class Meta:
            database = db
            table_name = "dataset_release"

    class Record(Model):
        id = IntegerField(primary_key=True)
        kind = CharField(max_length=10)
        slug = CharField(max_length=80)
        digest = CharField(max_length=64)
        revision = IntegerField()
        created_release = IntegerField()
        updated_release = IntegerField()
        deleted_release = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "dataset_record"
            indexes = ((("kind", "slug"), False),)

    class Revision(Model):
        id = IntegerField(primary_key=True)
        record = IntegerField()
        kind = CharField(max_length=10)
        slug = CharField(max_length=80)
        release = IntegerField(index=True)
        number = IntegerField()
        change = CharField(max_length=10)
        previous_slug = CharField(max_length=80, null=True)
        content = TextField(null=True)

        class Meta:
            database = db
            table_name = "record_revision"
            indexes = (
                (("record", "id"), False),
                (("kind", "id"), False),
                (("kind", "previous_slug"), False),
            )

    db.create_tables([Release, Record, Revision])
    migrator.migrate(
        migrator.add_column("event", "created_at", CharField(max_length=32, null=True)),
        migrator.add_column("event", "updated_at", CharField(max_length=32, null=True)),
        migrator.add_column("event", "revision", IntegerField(null=True)),
        migrator.add_column("datasetstate", "release", IntegerField(null=True)),
    )
    _make_existing_state_release_1(db)


def _rows(db, sql: str) -> list[tuple]:
    return list(db.execute_sql(sql).fetchall())


SOURCE_COLUMNS = (
    "slug",
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
)
# A place row as the loader records it in an event's `location` (migration 0004's table).
PLACE_COLUMNS = (
    "slug",
    "name",
    "country",
    "latitude",
    "longitude",
    "gazetteer_id",
    "geo_precision",
    "coordinates_from",
)


def _columns(db, table: str) -> set[str]:
    return {column.name for column in db.get_columns(table)}


def _location(place: dict) -> tuple[dict | None, dict | None]:
    """An event's (location, coordinates) from its place row (all None: not placed). The
    curator's coordinates are the place's own when the curator placed it (seeds/places.py:
    every event naming that place gives those same coordinates)."""
    if place["slug"] is None:
        return None, None
    if place["coordinates_from"] != "curator":
        return place, None
    return place, {"latitude": place["latitude"], "longitude": place["longitude"]}


def _existing_records(db) -> dict[str, list[dict]]:
    """The loaded data in the seed files' form (what the loader compares releases in)."""
    source_columns = SOURCE_COLUMNS + tuple(
        name for name in LATER_FIELDS["source"] if name in _columns(db, "source")
    )
    sources = [
        {**LATER_FIELDS["source"], **dict(zip(source_columns, row, strict=True))}
        for row in _rows(db, f'SELECT {", ".join(source_columns)} FROM "source"')
    ]
    actors = [
        dict(zip(("slug", "name", "actor_type", "country", "description"), row, strict=True))
        for row in _rows(db, 'SELECT slug, name, actor_type, country, description FROM "actor"')
    ]
    tags = [
        dict(zip(("slug", "name", "description"), row, strict=True))
        for row in _rows(db, 'SELECT slug, name, description FROM "tag"')
    ]
    names = ("slug", "title", "summary", "date", "date_precision", "date_note")
    names += ("event_type", "place", "country")
    placed = db.table_exists("place") and "location_id" in _columns(db, "event")
    query = "SELECT e.id, " + ", ".join(f"e.{name}" for name in names)
    if placed:  # migration 0004 ran first: each event's place as the loader recorded it
        query += ", " + ", ".join(f"p.{name}" for name in PLACE_COLUMNS)
        query += ' FROM "event" e LEFT JOIN "place" p ON p.id = e.location_id'
    else:
        query += ' FROM "event" e'
    events = {}
    for row in _rows(db, query):
        event_id, values = row[0], row[1 : len(names) + 1]
        event = {**LATER_FIELDS["event"], **dict(zip(names, values, strict=True))}
        if placed:
            place = dict(zip(PLACE_COLUMNS, row[len(names) + 1 :], strict=True))
            event["location"], event["coordinates"] = _location(place)
        events[event_id] = {
            **event,
            "actors": [],
            "tags": [],
            "citations": [],
            "points": [],
            "relations": [],
        }
    for event_id, slug, role in _rows(
        db,
        'SELECT l.event_id, a.slug, l.role FROM "eventactor" l JOIN "actor" a ON a.id = l.actor_id '
        "ORDER BY l.event_id, l.position",
    ):
        events[event_id]["actors"].append({"actor": slug, "role": role})
    for event_id, slug in _rows(
        db, 'SELECT l.event_id, t.slug FROM "eventtag" l JOIN "tag" t ON t.id = l.tag_id'
    ):
        events[event_id]["tags"].append(slug)
    citations = {}
    for citation_id, event_id, slug in _rows(
        db,
        'SELECT c.id, c.event_id, s.slug FROM "citation" c JOIN "source" s ON s.id = c.source_id '
        "ORDER BY c.event_id, c.position",
    ):
        citations[citation_id] = {"source": slug, "quotes": []}
        events[event_id]["citations"].append(citations[citation_id])
    for citation_id, text in _rows(
        db, 'SELECT citation_id, text FROM "quote" ORDER BY citation_id, position'
    ):
        citations[citation_id]["quotes"].append(text)
    for event_id, summary, slug, quote in _rows(
        db,
        'SELECT p.event_id, p.summary, s.slug, p.quote FROM "eventpoint" p '
        'JOIN "source" s ON s.id = p.source_id ORDER BY p.event_id, p.position',
    ):
        events[event_id]["points"].append({"summary": summary, "source": slug, "quote": quote})
    for event_id, relation_type, target, note in _rows(
        db,
        'SELECT r.event_id, r.relation_type, e.slug, r.note FROM "eventrelation" r '
        'JOIN "event" e ON e.id = r.target_id',
    ):
        events[event_id]["relations"].append(
            {"type": relation_type, "target": target, "note": note}
        )
    return {"source": sources, "actor": actors, "tag": tags, "event": list(events.values())}


def _make_existing_state_release_1(db) -> None:
    state = _rows(db, 'SELECT version, loaded_at, event_count FROM "datasetstate" WHERE id = 1')
    if not state:
        return  # nothing loaded yet: the first load makes release 1
    _, loaded_at, event_count = state[0]
    if isinstance(loaded_at, str):
        loaded_at = dt.datetime.fromisoformat(loaded_at)
    encoded = encode_records(_existing_records(db))
    version = content_version(encoded)
    recorded, _ = record_release(
        encoded,
        version,
        event_count,
        BASELINE_MESSAGE,
        now=loaded_at.replace(tzinfo=dt.UTC) if loaded_at.tzinfo is None else loaded_at,
    )
    if recorded is None:
        return
    param = db.param
    db.execute_sql(
        f'UPDATE "event" SET created_at = {param}, updated_at = {param}, revision = 1',
        (iso(recorded.created_at), iso(recorded.created_at)),
    )
    db.execute_sql(
        f'UPDATE "datasetstate" SET version = {param}, loaded_at = {param}, "release" = 1 '
        "WHERE id = 1",
        (release_version(1, version), recorded.created_at),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("datasetstate", "release"),
        migrator.drop_column("event", "revision"),
        migrator.drop_column("event", "updated_at"),
        migrator.drop_column("event", "created_at"),
        migrator.drop_table("record_revision"),
        migrator.drop_table("dataset_record"),
        migrator.drop_table("dataset_release"),
    )
