"""Turning parsed query parameters into one peewee query over events."""

import datetime as dt
import operator
from functools import reduce

from flask_smorest import abort
from peewee import SQL, ModelSelect, SelectBase

from timeline_api.api.events.representation import ID_BATCH
from timeline_api.api.events.schemas import EventFilterArgsSchema
from timeline_api.api.pagination import SortKey
from timeline_api.dates import earliest_start_ending_from
from timeline_api.models import Actor, Citation, Event, EventActor, EventTag, Source, Tag, database
from timeline_api.search import SearchQuery, SearchSyntaxError, parse_search, search_backend

MATCHES = "matches"  # alias of the search subquery joined to events

SORT_KEYS = {
    "date": SortKey("date", (Event.date_start, Event.slug), (dt.date.fromisoformat, str)),
    "-date": SortKey(
        "-date", (Event.date_start, Event.slug), (dt.date.fromisoformat, str), descending=True
    ),
    "relevance": SortKey("relevance", (SQL(f'"{MATCHES}"."score"'), Event.slug), (float, str)),
}


def event_sort_key(sort: str):
    """The function giving an event's position in `sort` order, for cursors."""
    if sort == "relevance":
        return lambda event: (event.score, event.slug)
    return lambda event: (event.date_start, event.slug)


def with_parsed_search(params: dict) -> dict:
    """`params` with `q` parsed into a SearchQuery (None without one), once per request:
    the view calls it and everything below (filter_events, counting_query, attach_snippets,
    the facets) takes the parsed query. A syntax error is the client's to fix: a 400."""
    if not params.get("q"):
        return {**params, "q": None}
    try:
        return {**params, "q": parse_search(params["q"])}
    except SearchSyntaxError as error:
        abort(
            400,
            message=f"Invalid search query: {error}",
            invalid_params=[{"name": "q", "in": "query", "reason": str(error)}],
        )


def sort_order(params: dict) -> str:
    """The requested sort; relevance is the default for searches and means date without one."""
    sort = params.get("sort") or ("relevance" if params.get("q") else "date")
    return "date" if sort == "relevance" and not params.get("q") else sort


def attach_snippets(search: SearchQuery | None, events: list[Event]) -> list[Event]:
    """Give each of `events` (a page, or an export) the highlighted passage of its match,
    when `search` is given: one query for them all, after the ranking query."""
    if search is not None:
        backend, passages = search_backend(database.obj), {}
        ids = [event.id for event in events]
        for start in range(0, len(ids), ID_BATCH):  # an export's ids, a batch at a time
            passages.update(backend.snippets(search, ids[start : start + ID_BATCH]))
        for event in events:
            event.snippet = passages.get(event.id)
    return events


# Every filter of the list, by attribute name: a new one narrows counting_query() too.
FILTERS = tuple(name for name in EventFilterArgsSchema().fields if name != "as_of")


def counting_query(params: dict) -> SelectBase:
    """A query with as many rows as filter_events(params), as cheap to count as can be
    (`params` as with_parsed_search gives them).

    With words and no other filter, the search index counts its own matches (it holds
    one row per event, rebuilt with the data): joining each match to its event and
    ranking it first took three times as long once a word matched thousands of events.
    """
    search = params.get("q")
    if search is not None and not any(params.get(name) for name in FILTERS if name != "q"):
        return search_backend(database.obj).matching(search, ranked=False)
    return filter_events(params)


def filter_events(params: dict) -> ModelSelect:
    """Events matching every given filter; values of one repeated filter are alternatives.
    `q`, when given, is a parsed SearchQuery (with_parsed_search)."""
    query = Event.select()
    search = params.get("q")
    if search is not None:
        matches = search_backend(database.obj).matching(search).alias(MATCHES)
        # objects(): put the score on each Event rather than on a joined row.
        query = (
            query.select_extend(matches.c.score)
            .join(matches, on=(Event.id == matches.c.event_id))
            .objects()
        )
    # Each "ends on or after" also bounds the first day from below (it is implied, since
    # no period is longer than a year): the (date_start) indexes then read a range.
    if params.get("from_"):
        start = params["from_"].start
        query = query.where(
            (Event.date_end >= start) & (Event.date_start >= earliest_start_ending_from(start))
        )
    if params.get("to"):
        query = query.where(Event.date_start <= params["to"].end)
    if params.get("year"):
        # A partial date overlapping the year counts: "2020" and "2020-09" are both in 2020.
        query = query.where(
            reduce(
                operator.or_,
                [
                    Event.date_start.between(
                        earliest_start_ending_from(dt.date(year, 1, 1)), dt.date(year, 12, 31)
                    )
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
