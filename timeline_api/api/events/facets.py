"""Facet counts (year, type, tag, actor, country) over the filtered set of events.

Like Datasette's facets: one grouped query per facet over the same filtered ids, so
a UI can draw filter chips with counts that agree with the list.
"""

from iso3166 import countries_by_alpha2
from peewee import SQL, ModelSelect, fn

from timeline_api.models import Actor, Event, EventActor, EventTag, Tag
from timeline_api.vocabulary import EVENT_TYPES

FACET_NAMES = ("year", "type", "tag", "actor", "country")


def _sorted(values: list[dict]) -> list[dict]:
    return sorted(values, key=lambda value: (-value["count"], str(value["label"])))


def _type_label(event_type: str) -> str:
    return event_type.replace("_", " ").capitalize() if event_type in EVENT_TYPES else event_type


def _country_label(code: str) -> str:
    country = countries_by_alpha2.get(code)
    return country.name if country else code


def event_facets(filtered: ModelSelect) -> dict:
    """Counts of each facet value among the events of `filtered` (any event query)."""
    ids = filtered.select(Event.id)
    count = fn.COUNT(Event.id.distinct())
    # A partial date never crosses a year, so its first four characters are its year.
    year = fn.SUBSTR(Event.date, 1, 4)
    years = Event.select(year.alias("value"), count.alias("n")).where(Event.id.in_(ids))
    types = Event.select(Event.event_type, count.alias("n")).where(Event.id.in_(ids))
    countries = Event.select(Event.country, count.alias("n")).where(
        Event.id.in_(ids) & Event.country.is_null(False)
    )
    tags = (
        Tag.select(Tag.slug, Tag.name, fn.COUNT(EventTag.event.distinct()).alias("n"))
        .join(EventTag)
        .where(EventTag.event.in_(ids))
        .group_by(Tag.id, Tag.slug, Tag.name)
    )
    actors = (
        Actor.select(Actor.slug, Actor.name, fn.COUNT(EventActor.event.distinct()).alias("n"))
        .join(EventActor)
        .where(EventActor.event.in_(ids))
        .group_by(Actor.id, Actor.slug, Actor.name)
    )
    return {
        "year": _sorted(
            [
                {"value": int(value), "label": value, "count": n}
                # Grouping by the output column: PostgreSQL binds SUBSTR's arguments as
                # parameters, so a repeated SUBSTR(...) would not count as the same expression.
                for value, n in years.group_by(SQL('"value"')).tuples()
            ]
        ),
        "type": _sorted(
            [
                {"value": value, "label": _type_label(value), "count": n}
                for value, n in types.group_by(Event.event_type).tuples()
            ]
        ),
        "tag": _sorted(
            [{"value": slug, "label": name, "count": n} for slug, name, n in tags.tuples()]
        ),
        "actor": _sorted(
            [{"value": slug, "label": name, "count": n} for slug, name, n in actors.tuples()]
        ),
        "country": _sorted(
            [
                {"value": code, "label": _country_label(code), "count": n}
                for code, n in countries.group_by(Event.country).tuples()
            ]
        ),
    }
