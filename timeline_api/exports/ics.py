"""iCalendar (RFC 5545) with the `icalendar` package: one all-day VEVENT per event.

Partial dates, the honest choice: calendars have no "some day in August 2020", so an event
known only to the month (or year) becomes an all-day event spanning that whole month (or
year): DTSTART is its first day and DTEND the day after its last (DTEND is exclusive).
Its DESCRIPTION then starts with "Date known only to the month (2020-08).", and every event
carries `X-TIMELINE-DATE-PRECISION` (day, month or year) for programs. Events are
TRANSP:TRANSPARENT, so a year-long span never shows its subscriber as busy. A placed
event has LOCATION (the city, or the country when only that is known) and GEO (its point).

Corrections: SEQUENCE is the event's revision minus one (RFC 5545 starts at 0, and each
release that changes the event adds one), CREATED and LAST-MODIFIED the times of the
releases that first published and last changed it, so a subscribed calendar replaces its
copy when the event is corrected.

An empty selection gives a VCALENDAR without components, which clients read as an empty
calendar (RFC 5545's grammar asks for one component; icalendar and common clients accept none).
"""

import datetime as dt

from icalendar import Calendar, Event

from timeline_api.exports.context import ExportContext
from timeline_api.exports.identifiers import event_uuid
from timeline_api.exports.wording import paragraphs, precision_note, sources_text

PRODID = "-//Data-sovereignty timeline//timeline-api//EN"


def description(event: dict, context: ExportContext) -> str:
    """Precision note (partial dates only), summary, the curator's date note, sources."""
    date_note = f"About the date: {event['date_note']}" if event.get("date_note") else None
    return paragraphs(
        precision_note(event), event["summary"], date_note, sources_text(event, context)
    )


def vevent(event: dict, context: ExportContext) -> Event:
    """One all-day VEVENT spanning every day the event's date may mean."""
    component = Event()
    component.add("uid", str(event_uuid(event["slug"])))
    component.add("dtstamp", context.updated_utc)
    component.add("dtstart", event["date_start"])
    component.add("dtend", event["date_end"] + dt.timedelta(days=1))
    component.add("summary", event["title"])
    component.add("description", description(event, context))
    component.add("url", context.absolute_url(event["url"]))
    place = event.get("place")
    if place:
        # LOCATION names the city (or the country, when only that is known); GEO is its point.
        component.add("location", place["name"])
        component.add("geo", (place["latitude"], place["longitude"]))
    if event["tags"]:
        component.add("categories", [tag["slug"] for tag in event["tags"]])
    component.add("transp", "TRANSPARENT")
    if event.get("revision"):
        component.add("sequence", event["revision"] - 1)
    if event.get("created_at"):
        component.add("created", dt.datetime.fromisoformat(event["created_at"]))
    if event.get("updated_at"):
        component.add("last-modified", dt.datetime.fromisoformat(event["updated_at"]))
    component.add("x-timeline-date-precision", event["date_precision"])
    return component


def render(events: list[dict], context: ExportContext) -> bytes:
    """A VCALENDAR named after the export, with the events in the given order."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.calendar_name = context.title  # NAME (RFC 7986) and X-WR-CALNAME
    for event in events:
        calendar.add_component(vevent(event, context))
    return calendar.to_ical()
