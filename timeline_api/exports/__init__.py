"""The timeline's export formats: pure serializers over one filtered, sorted list of events.

"Formats are views over one query": every format takes the dicts of
`timeline_api.api.events.representation.event_summaries` plus an `ExportContext`, and returns
UTF-8 bytes. Output depends only on those inputs (no clock, no random ids), so ETags stay
stable. Each module's docstring says how it handles dates known only to the month or year.
"""

from collections.abc import Callable
from dataclasses import dataclass

from timeline_api.exports import atom, csv, geojson, ics, jsonld, timelinejs, vistimeline
from timeline_api.exports.context import ExportContext


@dataclass(frozen=True)
class ExportFormat:
    """One export format, as the routes and the OpenAPI document need it."""

    name: str
    extension: str
    media_type: str
    render: Callable[[list[dict], ExportContext], bytes]
    description: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    export.name: export
    for export in (
        ExportFormat(
            "timelinejs",
            "timelinejs",
            "application/json",
            timelinejs.render,
            "Knight Lab TimelineJS3 JSON, loadable as is, with dates only as precise as known.",
        ),
        ExportFormat(
            "ics",
            "ics",
            "text/calendar; charset=utf-8",
            ics.render,
            "iCalendar (RFC 5545): one all-day event per timeline event, spanning the whole "
            "month or year when only that is known.",
        ),
        ExportFormat(
            "atom",
            "atom",
            "application/atom+xml; charset=utf-8",
            atom.render,
            "Atom feed (RFC 4287) of the events, newest first.",
        ),
        ExportFormat(
            "csv",
            "csv",
            "text/csv; charset=utf-8; header=present",
            csv.render,
            "CSV table (RFC 4180) with a header row and one row per event.",
        ),
        ExportFormat(
            "jsonld",
            "jsonld",
            "application/ld+json",
            jsonld.render,
            "schema.org JSON-LD graph of the events and the news articles that report them.",
        ),
        ExportFormat(
            "geojson",
            "geojson",
            geojson.MEDIA_TYPE,
            geojson.render,
            "GeoJSON (RFC 7946) FeatureCollection: a Point per placed event; `start`, `end` "
            "(last day, inclusive) and `end_exclusive` (the day after, for Leaflet.timeline).",
        ),
        ExportFormat(
            "vistimeline",
            "vistimeline",
            "application/json",
            vistimeline.render,
            "vis-timeline items and groups (by event type); a month or year is a range.",
        ),
    )
}

__all__ = ["EXPORT_FORMATS", "ExportContext", "ExportFormat"]
