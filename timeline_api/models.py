"""The database schema: every table the timeline stores, in one place.

Dates are stored as the text the curator wrote plus the first and last day of the
period it may mean (`date_start`, `date_end`), so that range filters and sorting
work on plain indexed columns whatever the precision.
"""

import threading

from peewee import (
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class SwitchableDatabaseProxy(DatabaseProxy):
    """The models' database, which one thread may point elsewhere for a while.

    `as_of` requests read a past release from a snapshot database (releases/snapshots.py):
    `use_database(db)` points this thread's queries at it while the rest of the process
    keeps the bound database.
    """

    __slots__ = ("_bound", "_local")

    def __init__(self):
        object.__setattr__(self, "_local", threading.local())
        super().__init__()

    def __setattr__(self, attr, value):
        if attr not in ("obj", "_callbacks", "_Model", "_bound"):
            raise AttributeError("Cannot set attribute on proxy.")
        object.__setattr__(self, attr, value)

    @property
    def obj(self):
        override = getattr(self._local, "database", None)
        return override if override is not None else self._bound

    @obj.setter
    def obj(self, value):
        object.__setattr__(self, "_bound", value)

    def overridden(self) -> bool:
        """Whether this thread reads another database than the bound one."""
        return getattr(self._local, "database", None) is not None

    def override(self, db) -> object:
        """Point this thread at `db` (None: back to the bound database); return the previous."""
        previous = getattr(self._local, "database", None)
        self._local.database = db
        return previous


database = SwitchableDatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database


class Source(BaseModel):
    """One news article that reports events."""

    slug = CharField(max_length=80, unique=True)
    publisher = CharField()
    publisher_note = TextField(null=True)
    headline = TextField()
    dateline = CharField(null=True)
    published_as_given = CharField(null=True)
    published = CharField(max_length=10, null=True)
    published_precision = CharField(max_length=5, null=True)
    published_note = TextField(null=True)
    language = CharField(max_length=35)
    article_file = CharField()
    url = TextField(null=True)
    # SHA-256 (hex) of the article file the quotes were verified against, and the day of
    # that check: anyone holding the article can confirm it is the same text.
    article_sha256 = CharField(max_length=64, null=True)
    article_checked = CharField(max_length=10, null=True)


class Actor(BaseModel):
    """A person, government body, state, company or international organisation."""

    slug = CharField(max_length=80, unique=True)
    name = CharField()
    actor_type = CharField(max_length=40, index=True)
    country = CharField(max_length=2, null=True, index=True)
    description = TextField(null=True)


class Tag(BaseModel):
    """A topic from the curated tag vocabulary."""

    slug = CharField(max_length=80, unique=True)
    name = CharField()
    description = TextField(null=True)


class Place(BaseModel):
    """Where events happened: a city, or a country at its representative point.

    Coordinates come from the gazetteer (`gazetteer_id` is its GeoNames id), a country's
    Natural Earth outline, or the curator (`coordinates_from`); see seeds/places.py.
    """

    slug = CharField(max_length=120, unique=True)
    name = CharField()
    country = CharField(max_length=2, null=True)
    latitude = FloatField()
    longitude = FloatField()
    gazetteer_id = IntegerField(null=True)
    geo_precision = CharField(max_length=10)
    coordinates_from = CharField(max_length=20)


class Event(BaseModel):
    """A dated thing someone said or did, as the cited articles report it."""

    slug = CharField(max_length=80, unique=True)
    title = TextField()
    summary = TextField()
    date = CharField(max_length=10)
    date_precision = CharField(max_length=5)
    date_start = DateField()
    date_end = DateField()
    date_note = TextField()
    event_type = CharField(max_length=40, index=True)
    place = CharField(null=True)
    country = CharField(max_length=2, null=True, index=True)
    # The resolved place: `place` above is the name as the curator wrote it.
    location = ForeignKeyField(Place, null=True, backref="events", on_delete="SET NULL")
    # When the release that first published it came out, and the last that changed it (ISO
    # 8601 text in UTC, served as is: no parsing per row), and its revision.
    created_at = CharField(max_length=32, null=True)
    updated_at = CharField(max_length=32, null=True)
    revision = IntegerField(null=True)

    class Meta:
        # Sorting and keyset pagination walk (date_start, slug) in both directions; the type
        # filter and its facet read (event_type, date_start, date_end) without the table.
        indexes = (
            (("date_start", "slug"), True),
            (("event_type", "date_start", "date_end"), False),
        )


class EventActor(BaseModel):
    """An actor's role in an event; an actor may hold several roles in one event."""

    event = ForeignKeyField(Event, backref="actor_links", on_delete="CASCADE")
    actor = ForeignKeyField(Actor, backref="event_links", on_delete="CASCADE")
    role = CharField(max_length=40)
    position = IntegerField()

    class Meta:
        primary_key = CompositeKey("event", "actor", "role")
        # The actor filter and facet go from actor to events without reading the rows.
        indexes = ((("actor", "event"), False),)


class EventTag(BaseModel):
    event = ForeignKeyField(Event, backref="tag_links", on_delete="CASCADE")
    tag = ForeignKeyField(Tag, backref="event_links", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("event", "tag")
        # The tag filter and facet go from tag to events without reading the rows.
        indexes = ((("tag", "event"), False),)


class Citation(BaseModel):
    """An event supported by a source, with the verbatim quotes that support it."""

    event = ForeignKeyField(Event, backref="citations", on_delete="CASCADE")
    source = ForeignKeyField(Source, backref="citations", on_delete="CASCADE")
    position = IntegerField()

    class Meta:
        indexes = ((("event", "source"), True),)


class Quote(BaseModel):
    citation = ForeignKeyField(Citation, backref="quotes", on_delete="CASCADE")
    position = IntegerField()
    text = TextField()


class EventPoint(BaseModel):
    """A point of an event (e.g. of an initiative) as one article states it."""

    event = ForeignKeyField(Event, backref="points", on_delete="CASCADE")
    source = ForeignKeyField(Source, backref="points", on_delete="CASCADE")
    position = IntegerField()
    summary = TextField()
    quote = TextField()


class EventRelation(BaseModel):
    """A typed link that reads "event <relation_type> target"."""

    event = ForeignKeyField(Event, backref="outgoing_relations", on_delete="CASCADE")
    target = ForeignKeyField(Event, backref="incoming_relations", on_delete="CASCADE")
    relation_type = CharField(max_length=40)
    note = TextField(null=True)

    class Meta:
        indexes = ((("event", "target", "relation_type"), True),)


class DatasetState(BaseModel):
    """One row describing the loaded dataset; its version changes whenever the data does."""

    id = IntegerField(primary_key=True)
    version = CharField(max_length=64)
    loaded_at = DateTimeField()
    event_count = IntegerField()
    release = IntegerField(null=True)  # the release the tables show
    # The table-writing code that wrote them (seeds/sync.tables_code_version): a load
    # compares only a release's changes when it is this code's, every table otherwise.
    written_by = CharField(max_length=64, null=True)


class Release(BaseModel):
    """One published state of the dataset: made by a seed load that changed something.

    Immutable once written; `counts` is JSON: {kind: {created, updated, deleted, renamed}}.
    """

    number = IntegerField(primary_key=True)
    created_at = DateTimeField()
    data_version = CharField(max_length=64)
    message = TextField(null=True)
    counts = TextField()
    event_count = IntegerField()

    class Meta:
        table_name = "dataset_release"


class Record(BaseModel):
    """One event, source, actor or tag across its whole life: renames keep the record."""

    id = IntegerField(primary_key=True)  # given by the loader, under its lock
    kind = CharField(max_length=10)
    slug = CharField(max_length=80)  # its latest slug
    digest = CharField(max_length=64)  # of its latest content
    revision = IntegerField()
    created_release = IntegerField()
    updated_release = IntegerField()
    deleted_release = IntegerField(null=True)

    class Meta:
        table_name = "dataset_record"
        indexes = ((("kind", "slug"), False),)


class Revision(BaseModel):
    """A record as one release left it; the id orders the changes feed. Never rewritten."""

    id = IntegerField(primary_key=True)  # given by the loader, under its lock: commit order
    record = IntegerField()
    kind = CharField(max_length=10)
    slug = CharField(max_length=80)
    release = IntegerField(index=True)
    number = IntegerField()  # the record's revision: 1, 2, 3...
    change = CharField(max_length=10)  # created, updated, deleted, renamed
    previous_slug = CharField(max_length=80, null=True)
    content = TextField(null=True)  # the record as JSON; null when deleted

    class Meta:
        table_name = "record_revision"
        indexes = (
            (("record", "id"), False),
            (("kind", "id"), False),
            (("kind", "previous_slug"), False),
        )


class ParsedSeedFile(BaseModel):
    """A seed file as the last load validated it, so the next load parses only the files
    that changed (seeds/parsed.py). The loader's own memory: not part of any release."""

    name = CharField(primary_key=True, max_length=255)  # "events/<slug>.yaml", "actors.yaml"
    digest = CharField(max_length=64)  # seeds.files.content_digest of its bytes
    record = TextField()  # the validated record (a list of them for a catalogue) as JSON
    encoded = TextField()  # its records' canonical digests (releases/records.py), JSON list
    place = TextField(null=True)  # an event's place row (seeds/places.py) as JSON

    class Meta:
        table_name = "seed_file"


ALL_MODELS: list[type[BaseModel]] = [
    Source,
    Place,
    Actor,
    Tag,
    Event,
    EventActor,
    EventTag,
    Citation,
    Quote,
    EventPoint,
    EventRelation,
    DatasetState,
    Release,
    Record,
    Revision,
    ParsedSeedFile,
]
