"""The whole dataset as a Frictionless Data Package (https://specs.frictionlessdata.io/):
one CSV table per kind of row, each described by a Table Schema with its primary key and
foreign keys, and one descriptor (`datapackage.json`) that names them, the licences and the
sources.

Rows are keyed by slugs (events, actors, tags, sources, places), never by database ids, so
the keys in a download are the ones the API's URLs use and stay the same across releases.
Resource paths are relative (`datapackage/events.csv`): next to the descriptor online, and
in the same layout inside the zip, so one descriptor serves both. The zip's entries carry
the data's own timestamp, so the same data gives the same bytes (and ETag).
"""

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from peewee import JOIN

from timeline_api.country_outlines import OUTLINES_NAME
from timeline_api.gazetteer import GAZETTEER_NAME, gazetteer_version
from timeline_api.models import (
    Actor,
    Citation,
    Event,
    EventActor,
    EventPoint,
    EventRelation,
    EventTag,
    Place,
    Quote,
    Source,
    Tag,
)

PACKAGE_NAME = "data-sovereignty-timeline"
PACKAGE_TITLE = "Data-sovereignty timeline"
PACKAGE_DESCRIPTION = (
    "A curated, sourced timeline of data-sovereignty events: who said or did what, when and "
    "where, and which news article reports it, with verbatim quotes from the articles."
)
RESOURCE_FOLDER = "datapackage"
# The project's licence (LICENSE) covers the compiled data; the quotes remain the
# publishers' and the coordinates are GeoNames', each credited in `sources`.
LICENSES = [
    {
        "name": "MIT",
        "path": "https://opensource.org/license/mit",
        "title": "MIT License (the project's licence); quoted excerpts remain the rights of "
        "the publishers listed in sources",
    }
]
GEONAMES_SOURCE = {
    "title": f"{GAZETTEER_NAME} gazetteer: coordinates of places",
    "path": "https://www.geonames.org/",
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ],
}
NATURAL_EARTH_SOURCE = {
    "title": f"{OUTLINES_NAME}: representative points of countries (public domain)",
    "path": "https://www.naturalearthdata.com/",
}


def _field(name: str, kind: str, description: str, required: bool = False, **extra) -> dict:
    spec = {"name": name, "type": kind, "description": description, **extra}
    if required:
        spec["constraints"] = {"required": True}
    return spec


def _fk(fields: list[str], resource: str, reference: list[str]) -> dict:
    return {"fields": fields, "reference": {"resource": resource, "fields": reference}}


@dataclass(frozen=True)
class Table:
    """One CSV resource: its Table Schema and the query that fills it, in key order."""

    name: str
    title: str
    fields: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict]
    rows: Callable[[], Iterable[tuple]]

    def schema(self) -> dict:
        schema = {"fields": self.fields, "primaryKey": self.primary_key}
        if self.foreign_keys:
            schema["foreignKeys"] = self.foreign_keys
        return schema

    @property
    def path(self) -> str:
        return f"{RESOURCE_FOLDER}/{self.name}.csv"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


Target = Event.alias()

TABLES: list[Table] = [
    Table(
        "events",
        "Events",
        [
            _field("slug", "string", "Stable identifier, as in the API's URLs.", True),
            _field("title", "string", "A short neutral headline.", True),
            _field("summary", "string", "One to three neutral sentences.", True),
            _field("date", "string", "The date as known: YYYY, YYYY-MM or YYYY-MM-DD.", True),
            _field("date_precision", "string", "day, month or year.", True),
            _field("date_start", "date", "First day the date may mean.", True),
            _field("date_end", "date", "Last day the date may mean.", True),
            _field("date_note", "string", "How the date was derived, from which article."),
            _field("event_type", "string", "The kind of event.", True),
            _field("place_name", "string", "The place as the curator wrote it, if any."),
            _field("country", "string", "ISO 3166-1 alpha-2 code of where it happened."),
            _field("place", "string", "Slug of the resolved place (places table)."),
        ],
        ["slug"],
        [_fk(["place"], "places", ["slug"])],
        lambda: (
            Event.select(
                Event.slug,
                Event.title,
                Event.summary,
                Event.date,
                Event.date_precision,
                Event.date_start,
                Event.date_end,
                Event.date_note,
                Event.event_type,
                Event.place,
                Event.country,
                Place.slug,
            )
            .join(Place, join_type=JOIN.LEFT_OUTER, on=(Event.location == Place.id))
            .order_by(Event.slug)
            .tuples()
        ),
    ),
    Table(
        "places",
        "Places",
        [
            _field(
                "slug", "string", "Stable key: name and country (a country alone: its code).", True
            ),
            _field("name", "string", "The place's name (the country's, for a country).", True),
            _field("country", "string", "ISO 3166-1 alpha-2 code."),
            _field("latitude", "number", "WGS 84 decimal degrees.", True),
            _field("longitude", "number", "WGS 84 decimal degrees.", True),
            _field("gazetteer_id", "integer", "GeoNames id; empty when the curator placed it."),
            _field("geo_precision", "string", "city, or country (the country's point).", True),
            _field(
                "coordinates_from",
                "string",
                "gazetteer (GeoNames), natural-earth (a country's representative point) or "
                "curator.",
                True,
            ),
        ],
        ["slug"],
        [],
        lambda: (
            Place.select(
                Place.slug,
                Place.name,
                Place.country,
                Place.latitude,
                Place.longitude,
                Place.gazetteer_id,
                Place.geo_precision,
                Place.coordinates_from,
            )
            .order_by(Place.slug)
            .tuples()
        ),
    ),
    Table(
        "actors",
        "Actors",
        [
            _field("slug", "string", "Stable identifier.", True),
            _field("name", "string", "As the articles write it.", True),
            _field("actor_type", "string", "person, government_body, state, company, ...", True),
            _field("country", "string", "ISO 3166-1 alpha-2 code, if any."),
            _field("description", "string", "What the articles say about the actor."),
        ],
        ["slug"],
        [],
        lambda: (
            Actor.select(Actor.slug, Actor.name, Actor.actor_type, Actor.country, Actor.description)
            .order_by(Actor.slug)
            .tuples()
        ),
    ),
    Table(
        "event_actors",
        "Actors in events, with their roles",
        [
            _field("event", "string", "Event slug.", True),
            _field("actor", "string", "Actor slug.", True),
            _field("role", "string", "The actor's role in the event.", True),
            _field("position", "integer", "Order among the event's actors.", True),
        ],
        ["event", "actor", "role"],
        [_fk(["event"], "events", ["slug"]), _fk(["actor"], "actors", ["slug"])],
        lambda: (
            EventActor.select(Event.slug, Actor.slug, EventActor.role, EventActor.position)
            .join_from(EventActor, Event)
            .join_from(EventActor, Actor)
            .order_by(Event.slug, EventActor.position)
            .tuples()
        ),
    ),
    Table(
        "tags",
        "Tags",
        [
            _field("slug", "string", "Stable identifier.", True),
            _field("name", "string", "The tag's name.", True),
            _field("description", "string", "What the tag means."),
        ],
        ["slug"],
        [],
        lambda: Tag.select(Tag.slug, Tag.name, Tag.description).order_by(Tag.slug).tuples(),
    ),
    Table(
        "event_tags",
        "Tags of events",
        [
            _field("event", "string", "Event slug.", True),
            _field("tag", "string", "Tag slug.", True),
        ],
        ["event", "tag"],
        [_fk(["event"], "events", ["slug"]), _fk(["tag"], "tags", ["slug"])],
        lambda: (
            EventTag.select(Event.slug, Tag.slug)
            .join_from(EventTag, Event)
            .join_from(EventTag, Tag)
            .order_by(Event.slug, Tag.slug)
            .tuples()
        ),
    ),
    Table(
        "sources",
        "Sources (news articles)",
        [
            _field("slug", "string", "Stable identifier.", True),
            _field("publisher", "string", "The outlet as the article names it.", True),
            _field("headline", "string", "As printed.", True),
            _field("dateline", "string", "As printed."),
            _field("published", "string", "Publication date (YYYY, YYYY-MM or YYYY-MM-DD)."),
            _field("published_precision", "string", "day, month or year."),
            _field("published_note", "string", "How the publication date was derived."),
            _field("language", "string", "BCP 47 language tag.", True),
            _field("url", "string", "The article's address, when the article gives it."),
        ],
        ["slug"],
        [],
        lambda: (
            Source.select(
                Source.slug,
                Source.publisher,
                Source.headline,
                Source.dateline,
                Source.published,
                Source.published_precision,
                Source.published_note,
                Source.language,
                Source.url,
            )
            .order_by(Source.slug)
            .tuples()
        ),
    ),
    Table(
        "citations",
        "Citations: which source reports which event",
        [
            _field("event", "string", "Event slug.", True),
            _field("source", "string", "Source slug.", True),
            _field("position", "integer", "Order among the event's citations.", True),
        ],
        ["event", "source"],
        [_fk(["event"], "events", ["slug"]), _fk(["source"], "sources", ["slug"])],
        lambda: (
            Citation.select(Event.slug, Source.slug, Citation.position)
            .join_from(Citation, Event)
            .join_from(Citation, Source)
            .order_by(Event.slug, Citation.position)
            .tuples()
        ),
    ),
    Table(
        "quotes",
        "Quotes: verbatim excerpts supporting a citation",
        [
            _field("event", "string", "Event slug.", True),
            _field("source", "string", "Source slug.", True),
            _field("position", "integer", "Order among the citation's quotes.", True),
            _field("text", "string", "Copied verbatim from the article.", True),
        ],
        ["event", "source", "position"],
        [_fk(["event", "source"], "citations", ["event", "source"])],
        lambda: (
            Quote.select(Event.slug, Source.slug, Quote.position, Quote.text)
            .join_from(Quote, Citation)
            .join_from(Citation, Event)
            .join_from(Citation, Source)
            .order_by(Event.slug, Source.slug, Quote.position)
            .tuples()
        ),
    ),
    Table(
        "points",
        "Points of events as articles state them",
        [
            _field("event", "string", "Event slug.", True),
            _field("position", "integer", "Order among the event's points.", True),
            _field("source", "string", "Slug of the article that states it.", True),
            _field("summary", "string", "The point in brief.", True),
            _field("quote", "string", "The verbatim supporting quote.", True),
        ],
        ["event", "position"],
        [_fk(["event"], "events", ["slug"]), _fk(["source"], "sources", ["slug"])],
        lambda: (
            EventPoint.select(
                Event.slug, EventPoint.position, Source.slug, EventPoint.summary, EventPoint.quote
            )
            .join_from(EventPoint, Event)
            .join_from(EventPoint, Source)
            .order_by(Event.slug, EventPoint.position)
            .tuples()
        ),
    ),
    Table(
        "relations",
        "Relations between events",
        [
            _field("event", "string", "Slug of the event whose seed states the relation.", True),
            _field("relation_type", "string", "Read as: event <relation_type> target.", True),
            _field("target", "string", "Slug of the other event.", True),
            _field("note", "string", "Why they are linked."),
        ],
        ["event", "relation_type", "target"],
        [_fk(["event"], "events", ["slug"]), _fk(["target"], "events", ["slug"])],
        lambda: (
            EventRelation.select(
                Event.slug, EventRelation.relation_type, Target.slug, EventRelation.note
            )
            .join_from(EventRelation, Event, on=(EventRelation.event == Event.id))
            .join_from(EventRelation, Target, on=(EventRelation.target == Target.id))
            .order_by(Event.slug, EventRelation.relation_type, Target.slug)
            .tuples()
        ),
    ),
]
TABLES_BY_NAME = {table.name: table for table in TABLES}


def table_csv(table: Table) -> bytes:
    """The table as RFC 4180 CSV with a header row (UTF-8, CRLF)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(field["name"] for field in table.fields)
    writer.writerows([_cell(value) for value in row] for row in table.rows())
    return buffer.getvalue().encode()


def descriptor(version: str, updated: dt.datetime, homepage: str, sources: list[dict]) -> dict:
    """The datapackage.json descriptor; `sources` are the news articles as dicts."""
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "homepage": homepage,
        "version": version,
        "created": updated.replace(microsecond=0).isoformat() + "Z",
        "licenses": LICENSES,
        "sources": [
            {
                "title": f"{source['publisher']}: {source['headline']}",
                **({"path": source["url"]} if source.get("url") else {}),
            }
            for source in sources
        ]
        + [
            {**GEONAMES_SOURCE, "title": f"{GEONAMES_SOURCE['title']} ({gazetteer_version()})"},
            NATURAL_EARTH_SOURCE,
        ],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": table.title,
                "path": table.path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table.schema(),
            }
            for table in TABLES
        ],
    }


def descriptor_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def zip_archive(document: dict, updated: dt.datetime) -> bytes:
    """datapackage.json and every table, with the data's timestamp on each entry."""
    stamp = updated.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = [("datapackage.json", descriptor_json(document))]
        entries += [(table.path, table_csv(table)) for table in TABLES]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


__all__ = ["TABLES", "TABLES_BY_NAME", "descriptor", "table_csv", "zip_archive"]
