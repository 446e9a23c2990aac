"""Atom: a valid feed, newest first whatever the input order, stable ids, absolute links."""

import xml.etree.ElementTree as ET

import feedparser

from timeline_api.exports import atom
from timeline_api.exports.identifiers import event_uuid

ATOM = "{http://www.w3.org/2005/Atom}"
NEWEST_FIRST = [
    "reported-us-order",
    "zurich-data-forum",
    "clean-network-programme",
    "un-privacy-dialogue",
]


def parse(body: bytes):
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def slug_of(entry) -> str:
    return entry.link.rsplit("/", 1)[1]


def test_feed_metadata(events, context):
    feed = parse(atom.render(events, context)).feed
    assert feed.title == "Data-sovereignty timeline"
    assert feed.id == atom.feed_uuid().urn and feed.id.startswith("urn:uuid:")
    assert feed.updated == "2024-03-01T12:30:15+00:00"
    assert feed.author == atom.FEED_AUTHOR
    links = {link.rel: link.href for link in feed.links}
    assert links == {"self": context.self_url, "alternate": "http://127.0.0.1:8000/"}


def test_entries_are_newest_first_whatever_the_input_order(events, context):
    body = atom.render(events, context)
    assert [slug_of(e) for e in parse(body).entries] == NEWEST_FIRST
    assert atom.render(list(reversed(events)), context) == body
    assert atom.render(events[1:] + events[:1], context) == body


def test_entry_ids_are_stable_unique_uuid_urns(events, context):
    entries = parse(atom.render(events, context)).entries
    assert [e.id for e in entries] == [event_uuid(slug).urn for slug in NEWEST_FIRST]
    assert len({e.id for e in entries}) == len(entries)


def test_entry_fields(events, context):
    entries = {slug_of(e): e for e in parse(atom.render(events, context)).entries}
    network = entries["clean-network-programme"]
    assert network.link == "http://127.0.0.1:8000/api/v1/events/clean-network-programme"
    assert [link.rel for link in network.links] == ["alternate"]
    assert network.updated == "2024-03-01T12:30:15+00:00"
    assert network.summary.startswith('The "Clean Network" programme, announced')
    content = network.content[0]
    assert content.type == "text/plain"
    assert content.value.startswith("Date known only to the month (2020-08).")
    assert "Sources:\n- Voice of America" in content.value
    assert [t.term for t in network.tags] == ["data-security"]
    assert [a.name for a in network.authors] == ["Voice of America", "Xinhua"]
    assert (
        entries["reported-us-order"]
        .content[0]
        .value.startswith("Date known only to the year (2024).")
    )
    assert entries["un-privacy-dialogue"].content[0].value.startswith("Date: 2020-03-05.")


def test_xml_is_in_the_atom_namespace_with_absolute_links(events, context):
    root = ET.fromstring(atom.render(events, context))
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(events)
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert len(hrefs) == 2 + len(events)
    assert all(href.startswith("http://127.0.0.1:8000/") for href in hrefs)
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("rel", "alternate") == "alternate"
        assert entry.find(f"{ATOM}updated").text == "2024-03-01T12:30:15+00:00"


def test_non_ascii_survives(by_slug, context):
    (entry,) = parse(atom.render([by_slug["zurich-data-forum"]], context)).entries
    assert entry.title == "Zürich — “quotes” & <tags>"
    assert entry.summary == "Über <script>alert(1)</script> & “sovereignty”."
    assert entry.author == "Neue Zürcher Zeitung"


def test_empty_list_gives_a_valid_empty_feed(context):
    feed = parse(atom.render([], context))
    assert feed.entries == []
    assert feed.feed.title == "Data-sovereignty timeline"
    assert ET.fromstring(atom.render([], context)).tag == f"{ATOM}feed"
