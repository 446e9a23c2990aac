"""The one pagination mechanism: opaque keyset cursors, a Link header, a total count.

Keyset (seek) pagination stays fast and consistent however deep a client pages, where
OFFSET would rescan skipped rows and shift when data changes between requests.
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import request
from flask_smorest import abort
from marshmallow import Schema, fields, post_load, validate
from peewee import Field, ModelSelect, SelectBase, Tuple

from timeline_api.api.counts import count_rows

LINK_HEADER_DOC = {
    "description": "RFC 8288 links to the first, next and previous pages "
    '(rel="first", rel="next", rel="prev").',
    "schema": {"type": "string", "example": '<http://127.0.0.1:8000/api/v1/events>; rel="first"'},
}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class ListArgsSchema(Schema):
    """Query parameters every list endpoint takes."""

    # The default is applied after loading, not declared on the field: a declared default
    # becomes the schema's `default`, which generated clients then send on every call
    # (and `limit` with an export is a 422).
    limit = fields.Integer(
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={
            "description": f"Page size, 1 to {MAX_PAGE_SIZE}; {DEFAULT_PAGE_SIZE} when omitted.",
            "example": 20,
        },
    )
    cursor = fields.String(
        validate=[
            validate.Length(max=1000),
            validate.Regexp(r"^[A-Za-z0-9_-]*$", error="Not a cursor issued by this API."),
        ],
        metadata={
            "description": "An opaque cursor from `next_cursor`/`prev_cursor` (or the Link "
            "header) of a previous page. Omit it (or leave it empty) for the first page. A "
            "cursor this API did not issue, or issued for another sort, is a 400.",
            # An example cursor would only be rejected: cursors come from a previous page.
            "parameter_examples": {
                "first": {"summary": "First page", "value": ""},
                "next": {
                    "summary": "A cursor as found in next_cursor (opaque)",
                    "value": "WyJkYXRlIiwibmV4dCIsWyIyMDIwLTAzLTA1IiwidW5ocmMiXV0",
                },
            },
        },
    )

    @post_load
    def _default_limit(self, data: dict, **kwargs) -> dict:
        data.setdefault("limit", DEFAULT_PAGE_SIZE)
        return data


@dataclass(frozen=True)
class SortKey:
    """The columns a list is ordered by (the last must be unique) and how to decode them."""

    name: str
    columns: Sequence[Field]
    decoders: Sequence[Callable[[Any], Any]]
    descending: bool = False

    def ordering(self, reverse: bool = False) -> list:
        """ORDER BY terms for this sort, or for walking it backwards."""
        descending = self.descending != reverse
        return [column.desc() if descending else column.asc() for column in self.columns]


@dataclass
class Page:
    items: list
    total: int
    limit: int
    next_cursor: str | None
    prev_cursor: str | None


def _encode(sort: SortKey, values: Sequence[Any], direction: str) -> str:
    payload = [
        sort.name,
        direction,
        [v.isoformat() if isinstance(v, dt.date) else v for v in values],
    ]
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor(reason: str):
    abort(
        400,
        message=f"Invalid cursor: {reason}",
        invalid_params=[{"name": "cursor", "in": "query", "reason": reason}],
    )


def _decode(sort: SortKey, token: str) -> tuple[str, list]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        name, direction, values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        _bad_cursor("not a cursor issued by this API; start again without it.")
    if name != sort.name:
        _bad_cursor(f"issued for sort={name!r}, not sort={sort.name!r}.")
    if (
        direction not in ("next", "prev")
        or not isinstance(values, list)
        or len(values) != len(sort.decoders)
    ):
        _bad_cursor("not a cursor issued by this API; start again without it.")
    try:
        return direction, [
            decode(value) for decode, value in zip(sort.decoders, values, strict=True)
        ]
    except (ValueError, TypeError, OverflowError):
        _bad_cursor("not a cursor issued by this API; start again without it.")


def paginate(
    query: ModelSelect,
    sort: SortKey,
    limit: int,
    cursor: str | None,
    key_of: Callable[[Any], Sequence[Any]],
    counting: SelectBase | None = None,
) -> Page:
    """Run one page of `query` in `sort` order: a count query plus one page query.

    `counting`: a cheaper query with the same number of rows as `query`, if there is one.
    """
    total = count_rows(counting if counting is not None else query)
    direction, values = _decode(sort, cursor) if cursor else ("next", None)
    # Going backwards, walk the index in reverse and flip the page back afterwards.
    backwards = direction == "prev"
    descending = sort.descending != backwards
    page_query = query.order_by(*sort.ordering(reverse=backwards)).limit(limit + 1)
    if values is not None:
        key, bound = Tuple(*sort.columns), Tuple(*values)
        page_query = page_query.where(key < bound if descending else key > bound)
    rows = list(page_query)
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    has_next = has_more if not backwards else True
    has_prev = has_more if backwards else values is not None
    return Page(
        items=rows,
        total=total,
        limit=limit,
        next_cursor=_encode(sort, key_of(rows[-1]), "next") if rows and has_next else None,
        prev_cursor=_encode(sort, key_of(rows[0]), "prev") if rows and has_prev else None,
    )


def page_url(cursor: str | None) -> str:
    """This request's URL with its cursor replaced (or removed, for the first page)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    if cursor:
        args.append(("cursor", cursor))
    return request.base_url + ("?" + urlencode(args) if args else "")


def page_body(page: Page, items: list) -> dict:
    """The list envelope every list endpoint answers with."""
    return {
        "items": items,
        "total": page.total,
        "limit": page.limit,
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
        "links": {
            "self": page_url(request.args.get("cursor")),
            "first": page_url(None),
            "next": page_url(page.next_cursor) if page.next_cursor else None,
            "prev": page_url(page.prev_cursor) if page.prev_cursor else None,
        },
    }


def link_header(page: Page) -> str:
    """RFC 8288 Link header with first, next and prev relations."""
    links = [f'<{page_url(None)}>; rel="first"']
    if page.next_cursor:
        links.append(f'<{page_url(page.next_cursor)}>; rel="next"')
    if page.prev_cursor:
        links.append(f'<{page_url(page.prev_cursor)}>; rel="prev"')
    return ", ".join(links)


class PageLinksSchema(Schema):
    class Meta:
        description = "Ready-made URLs for this page, the first page and its neighbours."

    self = fields.String(
        metadata={
            "description": "This page.",
            "example": "http://127.0.0.1:8000/api/v1/events?limit=2",
        }
    )
    first = fields.String(
        metadata={
            "description": "The first page.",
            "example": "http://127.0.0.1:8000/api/v1/events?limit=2",
        }
    )
    next = fields.String(
        allow_none=True,
        metadata={
            "description": "The next page, or null on the last page.",
            "example": "http://127.0.0.1:8000/api/v1/events?limit=2&cursor=WyJkYXRlIiwibmV4dCIsWyIyMDE5LTAxLTAxIiwiYSJdXQ",
        },
    )
    prev = fields.String(
        allow_none=True,
        metadata={"description": "The previous page, or null on the first page.", "example": None},
    )


def page_schema(item_schema: type[Schema], description: str) -> type[Schema]:
    """The envelope schema of a list of `item_schema`, for documentation and dumping."""
    schema = Schema.from_dict(
        {
            "items": fields.List(
                fields.Nested(item_schema),
                metadata={"description": "The items of this page, in the requested order."},
            ),
            "total": fields.Integer(
                metadata={
                    "description": "How many items match the filters, across all pages.",
                    "example": 12,
                }
            ),
            "limit": fields.Integer(metadata={"description": "The page size used.", "example": 20}),
            "next_cursor": fields.String(
                allow_none=True,
                metadata={
                    "description": "Pass as `cursor` to get the next page; null on the last page.",
                    "example": "WyJkYXRlIiwibmV4dCIsWyIyMDE5LTAxLTAxIiwiYSJdXQ",
                },
            ),
            "prev_cursor": fields.String(
                allow_none=True,
                metadata={
                    "description": "Pass as `cursor` to get the previous page; null on the first.",
                    "example": None,
                },
            ),
            "links": fields.Nested(
                PageLinksSchema,
                metadata={
                    "description": "The same cursors as full URLs (also in the Link header)."
                },
            ),
        },
        name=item_schema.__name__.removesuffix("Schema") + "Page",
    )
    # apispec reads Meta.description when it documents the schema.
    schema.Meta = type("Meta", (), {"description": description})
    return schema
