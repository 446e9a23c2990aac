"""vis-timeline (https://visjs.github.io/vis-timeline/): `items` and `groups` ready for
`new vis.Timeline(container, items, groups)`.

Partial dates: an event known to the day is a `point`; one known only to the month or year
is a `range` over that whole month or year, so readers see the uncertainty as a span. vis
treats `end` as an instant, so a range ends at the start of the day after the last day the
date may mean. Items are grouped by event type (groups ordered by label). vis renders
`content` as HTML, so every value is escaped; `title` (the tooltip) is the human date and
the summary.
"""

import datetime as dt
import json
from html import escape

from timeline_api.exports.context import ExportContext
from timeline_api.exports.wording import human_date


def group_label(event_type: str) -> str:
    """ "regulation" -> "Regulation", "international_agreement" -> "International agreement"."""
    return event_type.replace("_", " ").capitalize()


def item(event: dict, context: ExportContext) -> dict:
    """One vis-timeline item; its id is the event's slug."""
    span = event["date_precision"] != "day"
    entry = {
        "id": event["slug"],
        "group": event["event_type"],
        "content": escape(event["title"]),
        "title": escape(f"{human_date(event)}: {event['summary']}"),
        "start": event["date_start"].isoformat(),
        "type": "range" if span else "point",
        "className": f"precision-{event['date_precision']}",
        "date_precision": event["date_precision"],
        "url": context.absolute_url(event["url"]),
    }
    if span:
        entry["end"] = (event["date_end"] + dt.timedelta(days=1)).isoformat()
    return entry


def render(events: list[dict], context: ExportContext) -> bytes:
    """Items in the given order, and one group per event type among them."""
    types = sorted({event["event_type"] for event in events}, key=group_label)
    document = {
        "items": [item(event, context) for event in events],
        "groups": [{"id": value, "content": escape(group_label(value))} for value in types],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
