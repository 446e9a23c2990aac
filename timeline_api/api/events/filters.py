"""Turning parsed query parameters into one peewee query over events."""

import datetime as dt
import operator
from functools import reduce

from peewee import ModelSelect

from timeline_api.api.pagination import SortKey
from timeline_api.models import Actor, Citation, Event, EventActor, EventTag, Source, Tag

SORT_KEYS = {
    "date": SortKey("date", (Event.date_start, Event.slug), (dt.date.fromisoformat, str)),
    "-date": SortKey(
        "-date", (Event.date_start, Event.slug), (dt.date.fromisoformat, str), descending=True
    ),
}


def event_sort_key(event: Event) -> tuple:
    return (event.date_start, event.slug)


def filter_events(params: dict) -> ModelSelect:
    """Events matching every given filter; values of one repeated filter are alternatives."""
    query = Event.select()
    if params.get("from_"):
        query = query.where(Event.date_end >= params["from_"].start)
    if params.get("to"):
        query = query.where(Event.date_start <= params["to"].end)
    if params.get("year"):
        # A partial date overlapping the year counts: "2020" and "2020-09" are both in 2020.
        query = query.where(
            reduce(
                operator.or_,
                [
                    (Event.date_start <= dt.date(year, 12, 31))
                    & (Event.date_end >= dt.date(year, 1, 1))
                    for year in params["year"]
                ],
            )
        )
    if params.get("type"):
        query = query.where(Event.event_type.in_(params["type"]))
    if params.get("country"):
        query = query.where(Event.country.in_(params["country"]))
    if params.get("tag"):
        query = query.where(
            Event.id.in_(
                EventTag.select(EventTag.event).join(Tag).where(Tag.slug.in_(params["tag"]))
            )
        )
    if params.get("actor"):
        query = query.where(
            Event.id.in_(
                EventActor.select(EventActor.event)
                .join(Actor)
                .where(Actor.slug.in_(params["actor"]))
            )
        )
    if params.get("source"):
        query = query.where(
            Event.id.in_(
                Citation.select(Citation.event)
                .join(Source)
                .where(Source.slug.in_(params["source"]))
            )
        )
    return query
