"""The shape shared by sources, actors and tags: a slug-ordered list and a detail by slug,
each entry with a bounded view of the events linked to it.

An entry may be linked to any number of events (an actor of a 100,000-event timeline to
thousands), so no answer carries them all: a list item gives their count and the URL of
the event list filtered to them (`events_url`), and a detail adds the first
PREVIEW_EVENTS of them. That URL lists exactly the events counted, in the same order as
the preview, so a client pages through the rest with the event list's own cursors.
"""

import operator
import re
from collections.abc import Callable
from functools import reduce

from flask import url_for
from marshmallow import Schema, fields
from peewee import Field, ModelSelect, fn

from timeline_api.api.events.filters import SORT_KEYS, filter_events
from timeline_api.api.events.representation import event_summaries
from timeline_api.api.events.schemas import EventSummarySchema
from timeline_api.api.history import answer_missing
from timeline_api.api.pagination import SortKey, link_header, page_body, paginate

# How many linked events a detail embeds; `events_url` lists them all.
PREVIEW_EVENTS = 10


def slug_sort(model) -> SortKey:
    """Catalogues page by slug, which is unique and indexed."""
    return SortKey("slug", (model.slug,), (str,))


def name_matches(query: ModelSelect, q: str | None, searched: list[Field]) -> ModelSelect:
    """Entries where every word of `q` begins a word of one of the `searched` fields.

    Prefix matching, so a filter box can search as the user types; case-insensitive on
    both engines (LOWER on both sides). Letters and digits only reach the LIKE pattern.
    """
    for word in re.findall(r"[^\W_]+", (q or "").lower()):
        query = query.where(
            reduce(
                operator.or_,
                [
                    (fn.LOWER(field) ** f"{word}%")
                    | (fn.LOWER(field) ** f"% {word}%")
                    | (fn.LOWER(field) ** f"%-{word}%")
                    for field in searched
                ],
            )
        )
    return query


def _kind(model) -> str:
    """The entry's kind, which is also the name of the event list's filter by it."""
    return model.__name__.lower()


def events_url(kind: str, slug: str) -> str:
    """The event list filtered to one entry (`/api/v1/events?actor=wang-yi`): absolute,
    like every `url`. The catalogues take no `as_of`, so neither does this link."""
    return url_for("events.list_events", _external=True, **{kind: slug})


def linked_event_counts(link_field: Field, owner_ids: list[int]) -> dict[int, int]:
    """How many distinct events each owner is linked to through `link_field` (e.g.
    EventActor.actor): one grouped query for a whole page. An actor with two roles in one
    event counts it once, as the event list's `actor=` filter does."""
    if not owner_ids:
        return {}
    link_model = link_field.model
    return dict(
        link_model.select(link_field, fn.COUNT(fn.DISTINCT(link_model.event)))
        .where(link_field.in_(owner_ids))
        .group_by(link_field)
        .tuples()
    )


def _linked_fields(kind: str, slug: str, count: int) -> dict:
    return {"event_count": count, "events_url": events_url(kind, slug)}


def catalogue_page(
    query: ModelSelect,
    limit: int,
    cursor: str | None,
    link_field: Field,
    fields_of: Callable[[object], dict],
) -> tuple[dict, dict]:
    """One page of `query`, each entry with its fields, its event count and events_url."""
    kind = _kind(query.model)
    page = paginate(query, slug_sort(query.model), limit, cursor, key_of=lambda row: (row.slug,))
    counts = linked_event_counts(link_field, [row.id for row in page.items])
    items = [
        {**fields_of(row), **_linked_fields(kind, row.slug, counts.get(row.id, 0))}
        for row in page.items
    ]
    return page_body(page, items), {"Link": link_header(page)}


def catalogue_detail(
    model, slug: str, link_field: Field, fields_of: Callable[[object], dict]
) -> dict:
    """One entry by slug with the first PREVIEW_EVENTS of its events (else 308, 410 or 404):
    the first events of its `events_url`, by the same query in the same date order."""
    kind = _kind(model)
    row = model.get_or_none(model.slug == slug)
    if row is None:
        answer_missing(kind, slug)
    count = linked_event_counts(link_field, [row.id]).get(row.id, 0)
    preview = list(
        filter_events({kind: [slug]}).order_by(*SORT_KEYS["date"].ordering()).limit(PREVIEW_EVENTS)
    )
    return {
        **fields_of(row),
        **_linked_fields(kind, slug, count),
        "events": event_summaries(preview),
    }


def linked_events_schemas(
    entry_schema: type[Schema], kind: str, example_slug: str, linked: str
) -> tuple[type[Schema], type[Schema]]:
    """The list item and detail schemas of a catalogue whose entries are `entry_schema`:
    one definition of event_count, events_url and the preview for all three catalogues.

    `linked` completes "Events ..." for this kind, e.g. "involving this actor".
    """
    name = entry_schema.__name__.removesuffix("Schema")
    a_kind = f"{'An' if kind[0] in 'aeiou' else 'A'} {kind}"
    link_fields = {
        "event_count": fields.Integer(
            metadata={
                "description": f"The number of events {linked}: the `total` of `events_url`.",
                "example": 2,
            }
        ),
        "events_url": fields.String(
            metadata={
                "description": f"The event list filtered to the events {linked} (absolute; "
                "page through it with its cursors).",
                "example": f"http://127.0.0.1:8000/api/v1/events?{kind}={example_slug}",
            }
        ),
    }
    list_item = type(
        f"{name}ListItemSchema",
        (entry_schema,),
        {
            **link_fields,
            "Meta": type("Meta", (), {"description": f"{a_kind} as the list shows it."}),
        },
    )
    detail = type(
        f"{name}DetailSchema",
        (list_item,),
        {
            "events": fields.List(
                fields.Nested(EventSummarySchema),
                metadata={
                    "description": f"The first {PREVIEW_EVENTS} events {linked}, in date order "
                    "(the first of `events_url`); `event_count` says how many there are."
                },
            ),
            "Meta": type(
                "Meta",
                (),
                {"description": f"{a_kind} with its first events ({linked})."},
            ),
        },
    )
    return list_item, detail
