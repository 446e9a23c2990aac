"""iCalendar: all-day VEVENTs spanning the period a date may mean, with stable UIDs."""

import dataclasses
import datetime as dt
import uuid

from icalendar import Calendar

from tests.exports.conftest import TRICKY_SUMMARY
from timeline_api.exports import ics


def vevents(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def by_url(body: bytes) -> dict:
    return {str(v["URL"]).rsplit("/", 1)[1]: v for v in vevents(body)}


def test_calendar_properties_and_one_vevent_per_event_in_order(events, context):
    calendar = Calendar.from_ical(ics.render(events, context))
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ics.PRODID
    assert str(calendar["X-WR-CALNAME"]) == "Data-sovereignty timeline"
    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == [e["title"] for e in events]


def test_uids_are_unique_and_stable_across_renders_and_hosts(events, context):
    elsewhere = dataclasses.replace(context, base_url="https://timeline.example.org")
    uids = [str(v["UID"]) for v in vevents(ics.render(events, context))]
    assert len(set(uids)) == len(events)
    assert uids == [str(v["UID"]) for v in vevents(ics.render(events, elsewhere))]
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "data-sovereignty-timeline/events/reported-us-order")
    assert uids[-1] == str(expected)


def test_all_day_dates_span_the_period_with_exclusive_end(events, context):
    spans = {
        slug: (v.decoded("DTSTART"), v.decoded("DTEND"), str(v["X-TIMELINE-DATE-PRECISION"]))
        for slug, v in by_url(ics.render(events, context)).items()
    }
    for start, end, _ in spans.values():
        assert type(start) is dt.date and type(end) is dt.date  # not datetime
    assert spans["un-privacy-dialogue"] == (dt.date(2020, 3, 5), dt.date(2020, 3, 6), "day")
    assert spans["clean-network-programme"] == (dt.date(2020, 8, 1), dt.date(2020, 9, 1), "month")
    assert spans["reported-us-order"] == (dt.date(2024, 1, 1), dt.date(2025, 1, 1), "year")
    assert b"DTSTART;VALUE=DATE:20200801" in ics.render(events, context)


def test_description_starts_with_precision_note_for_partial_dates(events, context):
    found = by_url(ics.render(events, context))
    month = str(found["clean-network-programme"]["DESCRIPTION"])
    assert month.startswith("Date known only to the month (2020-08).\n\n" + TRICKY_SUMMARY)
    assert str(found["reported-us-order"]["DESCRIPTION"]).startswith(
        "Date known only to the year (2024)."
    )
    day = str(found["un-privacy-dialogue"]["DESCRIPTION"])
    assert day.startswith("Summary of un-privacy-dialogue.")
    assert 'About the date: Dated "on Thursday"' in day
    assert '- Voice of America, "China answers the Clean Network", 2020-09 <https://ex' in month
    assert '- Xinhua, "Diplomat calls for an end to surveillance", 2020-03-06 <http://127' in month


def test_event_properties(events, context):
    found = by_url(ics.render(events, context))
    dialogue = found["un-privacy-dialogue"]
    assert str(dialogue["URL"]) == "http://127.0.0.1:8000/api/v1/events/un-privacy-dialogue"
    assert str(dialogue["LOCATION"]) == "Geneva"
    assert [str(c) for c in dialogue["CATEGORIES"].cats] == ["privacy", "surveillance"]
    assert dialogue.decoded("DTSTAMP") == dt.datetime(2024, 3, 1, 12, 30, 15, tzinfo=dt.UTC)
    assert str(dialogue["TRANSP"]) == "TRANSPARENT"
    law = found["reported-us-order"]
    assert "LOCATION" not in law and "CATEGORIES" not in law


def test_aware_updated_becomes_utc_dtstamp(events, context):
    plus_two = dt.timezone(dt.timedelta(hours=2))
    aware = dataclasses.replace(
        context, updated=dt.datetime(2024, 3, 1, 14, 30, 15, tzinfo=plus_two)
    )
    assert ics.render(events, aware) == ics.render(events, context)


def test_non_ascii_survives(by_slug, context):
    (event,) = vevents(ics.render([by_slug["zurich-data-forum"]], context))
    assert str(event["SUMMARY"]) == "Zürich — “quotes” & <tags>"
    assert str(event["LOCATION"]) == "Zürich"
    assert "Über <script>alert(1)</script> & “sovereignty”." in str(event["DESCRIPTION"])
    assert "Neue Zürcher Zeitung" in str(event["DESCRIPTION"])


def test_lines_are_folded_to_75_octets(events, context):
    lines = ics.render(events, context).split(b"\r\n")
    assert max(len(line) for line in lines) <= 75


def test_empty_list_gives_an_empty_calendar(context):
    calendar = Calendar.from_ical(ics.render([], context))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["PRODID"]) == ics.PRODID
