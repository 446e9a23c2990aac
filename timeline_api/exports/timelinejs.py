"""Knight Lab TimelineJS3 JSON (https://timeline.knightlab.com/docs/json-format.html).

Partial dates: `start_date` carries only the parts the date's precision knows (year; year and
month; year, month and day), as integers, so TimelineJS positions and labels the slide at
that precision and never invents a day. No `end_date` is given: the slide marks when the
event happened, not a span. `display_date` is the date text as curated ("2020-08").
TimelineJS renders headline and text as HTML, so every value is escaped.
"""

import json
from html import escape

from timeline_api.exports.context import ExportContext
from timeline_api.exports.wording import human_date, precision_note

_DATE_PARTS = {"year": ("year",), "month": ("year", "month"), "day": ("year", "month", "day")}


def start_date(event: dict) -> dict[str, int]:
    """The TimelineJS date object holding only the parts the precision knows."""
    start = event["date_start"]
    return {part: getattr(start, part) for part in _DATE_PARTS[event["date_precision"]]}


def _source_item(source: dict, context: ExportContext) -> str:
    href = escape(source.get("url") or context.absolute_url(source["api_url"]))
    published = f" ({escape(source['published'])})" if source.get("published") else ""
    return (
        f'<li>{escape(source["publisher"])}: <a href="{href}">{escape(source["headline"])}</a>'
        f"{published}</li>"
    )


def slide_text(event: dict, context: ExportContext) -> str:
    """The slide body: summary, precision and date notes, and the cited articles, as HTML."""
    html = f"<p>{escape(event['summary'])}</p>"
    for note in (precision_note(event), event.get("date_note")):
        if note:
            html += f"<p><small>{escape(note)}</small></p>"
    sources = context.sources_of(event)
    if sources:
        items = "".join(_source_item(source, context) for source in sources)
        html += f"<p>Sources:</p><ul>{items}</ul>"
    return html


def slide(event: dict, context: ExportContext) -> dict:
    """One TimelineJS slide for an event."""
    return {
        "start_date": start_date(event),
        "text": {"headline": escape(event["title"]), "text": slide_text(event, context)},
        "group": event["event_type"].capitalize(),
        "display_date": human_date(event),
        "unique_id": event["slug"],
    }


def render(events: list[dict], context: ExportContext) -> bytes:
    """A TimelineJS3 document: a title slide and one slide per event, in the given order."""
    count = f"{len(events)} event{'' if len(events) == 1 else 's'}"
    document = {
        "title": {
            "text": {
                "headline": escape(context.title),
                "text": f'<p>{count}. Data: <a href="{escape(context.self_url)}">'
                f"{escape(context.self_url)}</a></p>",
            }
        },
        "events": [slide(event, context) for event in events],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
