"""The shape shared by sources, actors and tags: a slug-ordered list and a detail by slug,
each entry listing the events linked to it."""

import operator
import re
from collections.abc import Callable
from functools import reduce

from peewee import Field, ModelSelect, fn

from timeline_api.api.events.representation import event_summaries, events_linked_by
from timeline_api.api.history import answer_missing
from timeline_api.api.pagination import SortKey, link_header, page_body, paginate


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


def catalogue_page(
    query: ModelSelect,
    limit: int,
    cursor: str | None,
    link_field: Field,
    fields_of: Callable[[object, list], dict],
) -> tuple[dict, dict]:
    """One page of `query`, each entry with its fields and the slugs of its linked events."""
    page = paginate(query, slug_sort(query.model), limit, cursor, key_of=lambda row: (row.slug,))
    events = events_linked_by(link_field, [row.id for row in page.items])
    items = [
        {**fields_of(row, events[row.id]), "event_slugs": [e.slug for e in events[row.id]]}
        for row in page.items
    ]
    return page_body(page, items), {"Link": link_header(page)}


def catalogue_detail(
    model, slug: str, link_field: Field, fields_of: Callable[[object, list], dict]
) -> dict:
    """One entry by slug with the summaries of its linked events (else 308, 410 or 404)."""
    row = model.get_or_none(model.slug == slug)
    if row is None:
        answer_missing(model.__name__.lower(), slug)
    events = events_linked_by(link_field, [row.id])[row.id]
    return {**fields_of(row, events), "events": event_summaries(events)}
