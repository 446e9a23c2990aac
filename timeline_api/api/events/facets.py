"""Facet counts (year, type, tag, actor, country) over the filtered set of events.

Like Datasette's facets: one grouped query per facet over the same filtered ids, so
a UI can draw filter chips with counts that agree with the list.
"""

from collections.abc import Callable

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


def event_facets(params: dict, filter_events: Callable[[dict], ModelSelect]) -> dict:
    """Counts of each facet's values, each facet filtered by every filter but its own.

    Leaving a facet's own filter out ("disjunctive faceting") keeps its other values
    visible with their counts while some are selected, since repeating a filter widens it.
    """

    def ids_for(facet: str):
        others = {key: value for key, value in params.items() if key != facet}
        return filter_events(others).select(Event.id)

    count = fn.COUNT(Event.id.distinct())
    # A partial date never crosses a year, so its first four characters are its year.
    year = fn.SUBSTR(Event.date, 1, 4)
    years = Event.select(year.alias("value"), count.alias("n")).where(Event.id.in_(ids_for("year")))
    types = Event.select(Event.event_type, count.alias("n")).where(Event.id.in_(ids_for("type")))
    countries = Event.select(Event.country, count.alias("n")).where(
        Event.id.in_(ids_for("country")) & Event.country.is_null(False)
    )
    tags = (
        Tag.select(Tag.slug, Tag.name, fn.COUNT(EventTag.event.distinct()).alias("n"))
        .join(EventTag)
        .where(EventTag.event.in_(ids_for("tag")))
        .group_by(Tag.id, Tag.slug, Tag.name)
    )
    actors = (
        Actor.select(Actor.slug, Actor.name, fn.COUNT(EventActor.event.distinct()).alias("n"))
        .join(EventActor)
        .where(EventActor.event.in_(ids_for("actor")))
        .group_by(Actor.id, Actor.slug, Actor.name)
    )
    facets = {
        "year": [
            {"value": value, "label": value, "count": n}
            # Grouping by the output column: PostgreSQL binds SUBSTR's arguments as
            # parameters, so a repeated SUBSTR(...) would not count as the same expression.
            for value, n in years.group_by(SQL('"value"')).tuples()
        ],
        "type": [
            {"value": value, "label": _type_label(value), "count": n}
            for value, n in types.group_by(Event.event_type).tuples()
        ],
        "tag": [{"value": slug, "label": name, "count": n} for slug, name, n in tags.tuples()],
        "actor": [{"value": slug, "label": name, "count": n} for slug, name, n in actors.tuples()],
        "country": [
            {"value": code, "label": _country_label(code), "count": n}
            for code, n in countries.group_by(Event.country).tuples()
        ],
    }
    for facet, values in facets.items():
        values += _selected_but_absent(facet, params.get(facet) or [], values)
    return {facet: _sorted(values) for facet, values in facets.items()}


def _selected_but_absent(facet: str, selected: list, values: list[dict]) -> list[dict]:
    """A selected value no event has under the other filters, with a count of 0: a filter
    UI keeps showing what is ticked (so it can be unticked) without adding it back itself."""
    present = {value["value"] for value in values}
    missing = [str(value) for value in selected if str(value) not in present]
    if not missing:
        return []
    labels: dict[str, str] = {}
    if facet == "tag":
        labels = dict(Tag.select(Tag.slug, Tag.name).where(Tag.slug.in_(missing)).tuples())
    elif facet == "actor":
        labels = dict(Actor.select(Actor.slug, Actor.name).where(Actor.slug.in_(missing)).tuples())
    elif facet == "type":
        labels = {value: _type_label(value) for value in missing}
    elif facet == "country":
        labels = {value: _country_label(value) for value in missing}
    return [
        {"value": value, "label": labels.get(value, value), "count": 0}
        for value in dict.fromkeys(missing)
    ]
