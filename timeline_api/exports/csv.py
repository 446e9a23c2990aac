"""CSV (RFC 4180): a header row, then one row per event in the given order.

CRLF line ends, minimal quoting, UTF-8 without a byte-order mark. Multi-valued columns are
joined with "; " and actors read "Name (role, role)". Partial dates: `date` keeps the text as
curated ("2020-08"), `date_precision` names its precision, and `date_start`/`date_end` give
the first and last day it may mean, so spreadsheets can sort and filter without guessing.
`place` is the place's name (a country's, for an event known only by its country), with
its coordinates and `geo_precision` (city or country) beside it.
"""

import csv
import io

from timeline_api.exports.context import ExportContext

COLUMNS = (
    "slug",
    "title",
    "date",
    "date_precision",
    "date_start",
    "date_end",
    "event_type",
    "place",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "tags",
    "actors",
    "sources",
    "summary",
    "date_note",
    "url",
)
SEPARATOR = "; "


def row(event: dict, context: ExportContext) -> list[str]:
    """The event's cells, in COLUMNS order; None becomes an empty string."""
    place = event.get("place") or {}
    values = {
        **event,
        "place": place.get("name"),
        "latitude": place.get("latitude"),
        "longitude": place.get("longitude"),
        "geo_precision": place.get("geo_precision"),
        "date_start": event["date_start"].isoformat(),
        "date_end": event["date_end"].isoformat(),
        "tags": SEPARATOR.join(tag["slug"] for tag in event["tags"]),
        "actors": SEPARATOR.join(f"{a['name']} ({', '.join(a['roles'])})" for a in event["actors"]),
        "sources": SEPARATOR.join(source["slug"] for source in event["sources"]),
        "url": context.absolute_url(event["url"]),
    }
    return ["" if values[column] is None else str(values[column]) for column in COLUMNS]


def render(events: list[dict], context: ExportContext) -> bytes:
    """The events as an RFC 4180 table with a header row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(row(event, context) for event in events)
    return buffer.getvalue().encode()
