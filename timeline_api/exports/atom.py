"""Atom (RFC 4287) with `feedgen`: newest events first, whatever order the query asked for.

Time: an entry's `published` is when the release that first published the event came
out, and its `updated` when the last release that changed it did (the feed's `updated`
is the time of the release shown), never the time of a request or of a load that changed
nothing. Partial dates: Atom has no field for when an event happened, so the date and its
precision are written in the entry's text content ("Date known only to the month
(2020-08)."). Entries are ordered by the first day the date may mean, then slug, newest
first.

The feed id is one fixed UUID for every export of this timeline; filtered exports are told
apart by their self link.
"""

import datetime as dt

from feedgen.feed import FeedGenerator

from timeline_api.exports.context import ExportContext
from timeline_api.exports.identifiers import event_uuid, feed_uuid
from timeline_api.exports.wording import date_statement, paragraphs, sources_text

FEED_AUTHOR = "Data-sovereignty timeline curators"


def newest_first(events: list[dict]) -> list[dict]:
    """Events by (date_start, slug), descending."""
    return sorted(events, key=lambda event: (event["date_start"], event["slug"]), reverse=True)


def content(event: dict, context: ExportContext) -> str:
    """The date as known with its precision, the curator's date note, and the sources."""
    date_note = f"About the date: {event['date_note']}" if event.get("date_note") else None
    return paragraphs(date_statement(event), date_note, sources_text(event, context))


def _add_entry(feed: FeedGenerator, event: dict, context: ExportContext) -> None:
    entry = feed.add_entry(order="append")  # feedgen prepends by default
    entry.id(event_uuid(event["slug"]).urn)
    entry.title(event["title"])
    updated = event.get("updated_at")
    entry.updated(dt.datetime.fromisoformat(updated) if updated else context.updated_utc)
    if event.get("created_at"):
        entry.published(dt.datetime.fromisoformat(event["created_at"]))
    entry.summary(event["summary"], type="text")
    entry.content(content(event, context), type="text")
    # feedgen 1.0 writes only href on entry links (python-feedgen#135); a link without rel
    # means rel="alternate" (RFC 4287, 4.2.7.2), which is what this is.
    entry.link(href=context.absolute_url(event["url"]), rel="alternate")
    for tag in event["tags"]:
        entry.category(term=tag["slug"], label=tag["name"])
    # Publishers of the cited articles, each once; without sources the feed author applies.
    publishers = dict.fromkeys(source["publisher"] for source in context.sources_of(event))
    for publisher in publishers:
        entry.author(name=publisher)


def render(events: list[dict], context: ExportContext) -> bytes:
    """An Atom feed of the events, newest first, dated by their releases."""
    feed = FeedGenerator()
    feed.id(feed_uuid().urn)
    feed.title(context.title)
    feed.updated(context.updated_utc)
    feed.author(name=FEED_AUTHOR)
    feed.link(href=context.self_url, rel="self", type="application/atom+xml")
    feed.link(href=context.base_url + "/", rel="alternate", type="text/html")
    for event in newest_first(events):
        _add_entry(feed, event, context)
    return feed.atom_str(pretty=True, encoding="UTF-8")
