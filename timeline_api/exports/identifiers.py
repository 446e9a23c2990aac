"""Identifiers that stay the same across runs and hosts.

Calendars and feed readers deduplicate by UID and entry id; ids derived from the event slug
(never from the host or a random number) keep re-imports from creating duplicates.
"""

import uuid

NAMESPACE = "data-sovereignty-timeline/"


def event_uuid(slug: str) -> uuid.UUID:
    """The event's UUID, shared by the iCalendar UID and the Atom entry id."""
    return uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE + "events/" + slug)


def feed_uuid() -> uuid.UUID:
    """The Atom feed's UUID."""
    return uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE + "feed")
