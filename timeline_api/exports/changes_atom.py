"""The changes feed as Atom (RFC 4287), for feed readers following corrections.

Each change is an entry whose id is the record's (for events, the same `urn:uuid` as in
`events.atom`), `updated` at its release. A removal is an RFC 6721 `at:deleted-entry`
for that id; a rename is a deleted entry for the old slug's id plus an entry for the new.
"""

import datetime as dt
import uuid

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from timeline_api.exports.atom import FEED_AUTHOR
from timeline_api.exports.context import ExportContext
from timeline_api.exports.identifiers import NAMESPACE, event_uuid

TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"


def record_uuid(kind: str, slug: str) -> uuid.UUID:
    """The id of a record's entry; an event's is the one events.atom and events.ics use."""
    if kind == "event":
        return event_uuid(slug)
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}{kind}s/{slug}")


def changes_feed_uuid() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE + "changes")


class DeletedEntries(BaseExtension):
    """RFC 6721 tombstones, through feedgen's extension hook."""

    def __init__(self):
        self.entries: list[tuple[str, dt.datetime, str, str]] = []

    def add(self, ref: str, when: dt.datetime, link: str, comment: str) -> None:
        self.entries.append((ref, when, link, comment))

    def extend_ns(self):
        return {"at": TOMBSTONES_NS}

    def extend_atom(self, feed):
        for ref, when, link, comment in self.entries:
            element = etree.SubElement(
                feed, f"{{{TOMBSTONES_NS}}}deleted-entry", ref=ref, when=when.isoformat()
            )
            etree.SubElement(element, "{http://www.w3.org/2005/Atom}link", href=link)
            etree.SubElement(element, f"{{{TOMBSTONES_NS}}}comment").text = comment
        return feed


def _title(change: dict) -> str:
    label = change.get("label") or change["slug"]
    return f"{change['kind'].capitalize()} {change['change']}: {label}"


def render(changes: list[dict], context: ExportContext) -> bytes:
    """`changes` newest first: dicts with kind, slug, change, previous_slug, release,
    released_at, url (the record's URL now), label and fields (the names that changed)."""
    feed = FeedGenerator()
    feed.register_extension("tombstones", DeletedEntries, atom=True, rss=False)
    feed.id(changes_feed_uuid().urn)
    feed.title(context.title)
    feed.updated(context.updated_utc)
    feed.author(name=FEED_AUTHOR)
    feed.link(href=context.self_url, rel="self", type="application/atom+xml")
    for change in changes:
        when = change["released_at"]
        release = f"release {change['release']}"
        if change["change"] in ("deleted", "renamed"):
            gone_slug = change["previous_slug"] if change["change"] == "renamed" else change["slug"]
            reason = (
                f"Renamed to {change['slug']!r} in {release}."
                if change["change"] == "renamed"
                else f"Removed in {release}."
            )
            feed.tombstones.add(
                record_uuid(change["kind"], gone_slug).urn,
                when,
                context.absolute_url(change["url"]),
                reason,
            )
        if change["change"] == "deleted":
            continue
        entry = feed.add_entry(order="append")
        entry.id(record_uuid(change["kind"], change["slug"]).urn)
        entry.title(_title(change))
        entry.updated(when)
        if change["change"] == "created":
            entry.published(when)
        summary = f"{change['change'].capitalize()} in {release}"
        if change.get("fields"):  # a created record changed no field: it is all new
            summary += f"; changed: {', '.join(change['fields'])}"
        entry.summary(summary + ".")
        entry.link(href=context.absolute_url(change["url"]), rel="alternate")
        entry.category(term=change["kind"])
    return feed.atom_str(pretty=True, encoding="UTF-8")
