"""Exports tell the truth about time: Atom published/updated and iCalendar SEQUENCE and
LAST-MODIFIED come from releases, and the changes feed follows corrections in Atom."""

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import icalendar

from timeline_api.exports.changes_atom import TOMBSTONES_NS, record_uuid
from timeline_api.exports.identifiers import event_uuid


def release_times(client) -> dict[int, dt.datetime]:
    items = client.get("/api/v1/releases").get_json()["items"]
    return {r["number"]: dt.datetime.fromisoformat(r["created_at"]) for r in items}


def parsed(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_atom_entries_are_published_and_updated_by_their_releases(timeline):
    times = release_times(timeline.client)
    body = timeline.client.get("/api/v1/events.atom").get_data()
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    entries = {entry.id: entry for entry in feed.entries}
    alpha = entries[event_uuid("alpha-plan").urn]
    assert parsed(alpha.published) == times[1]
    assert parsed(alpha.updated) == times[2]
    gamma = entries[event_uuid("gamma-event").urn]
    assert parsed(gamma.published) == parsed(gamma.updated) == times[3]
    assert parsed(feed.feed.updated) == times[5]
    # As of release 1, the feed is that release's.
    old = feedparser.parse(timeline.client.get("/api/v1/events.atom?as_of=1").get_data())
    assert parsed(old.feed.updated) == times[1]
    assert {parsed(e.updated) for e in old.entries} == {times[1]}


def test_icalendar_events_carry_sequence_and_last_modified(timeline):
    times = release_times(timeline.client)
    calendar = icalendar.Calendar.from_ical(timeline.client.get("/api/v1/events.ics").get_data())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    alpha = events[str(event_uuid("alpha-plan"))]
    assert alpha["sequence"] == 1  # revision 2: one correction since it was first published
    assert alpha.decoded("last-modified") == times[2]
    assert alpha.decoded("created") == times[1]
    unchanged = events[str(event_uuid("same-day-a"))]
    assert unchanged["sequence"] == 0
    assert unchanged.decoded("last-modified") == times[1]
    old = icalendar.Calendar.from_ical(timeline.client.get("/api/v1/events.ics?as_of=1").get_data())
    old_alpha = next(
        e for e in old.walk("VEVENT") if str(e["uid"]) == str(event_uuid("alpha-plan"))
    )
    assert old_alpha["sequence"] == 0


def test_changes_atom_follows_corrections_with_tombstones(timeline):
    response = timeline.client.get("/api/v1/changes.atom")
    assert response.status_code == 200
    assert response.content_type.startswith("application/atom+xml")
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Event renamed: Same-day event b"
    assert "Event updated: Alpha plan, corrected" in titles
    alpha = next(e for e in feed.entries if e.id == event_uuid("alpha-plan").urn)
    assert "title" in alpha.summary and "release 2" in alpha.summary
    gamma = next(e for e in feed.entries if e.id == event_uuid("gamma-event").urn)
    assert gamma.summary == "Created in release 3."
    root = ET.fromstring(response.get_data())
    deleted = {
        element.get("ref"): element for element in root.findall(f"{{{TOMBSTONES_NS}}}deleted-entry")
    }
    # Removed in release 4, and the old id of the event renamed in release 5.
    assert set(deleted) == {event_uuid("same-day-c").urn, event_uuid("same-day-b").urn}
    assert (
        parsed(deleted[event_uuid("same-day-c").urn].get("when"))
        == release_times(timeline.client)[4]
    )
    only_tags = feedparser.parse(timeline.client.get("/api/v1/changes.atom?kind=tag").get_data())
    assert {entry.id for entry in only_tags.entries} == {
        record_uuid("tag", slug).urn for slug in ("privacy", "surveillance", "unused-tag")
    }
