"""Building event representations with a fixed number of queries, whatever the page size."""

from collections import defaultdict

from flask import url_for

from timeline_api.models import (
    Actor,
    Citation,
    Event,
    EventActor,
    EventPoint,
    EventRelation,
    EventTag,
    Quote,
    Source,
    Tag,
)
from timeline_api.search import highlight_snippet
from timeline_api.vocabulary import RELATION_INVERSES


def event_url(slug: str) -> str:
    return url_for("events.get_event", slug=slug)


def source_url(slug: str) -> str:
    return url_for("sources.get_source", slug=slug)


def event_ref(event: Event) -> dict:
    return {
        "slug": event.slug,
        "url": event_url(event.slug),
        "title": event.title,
        "date": event.date,
        "date_precision": event.date_precision,
    }


def event_summaries(events: list[Event]) -> list[dict]:
    """Summaries of `events`, in order: three queries for tags, actors and sources in all."""
    ids = [event.id for event in events]
    tags, actors, sources = defaultdict(list), defaultdict(list), defaultdict(list)
    if ids:
        for event_id, slug in (
            EventTag.select(EventTag.event, Tag.slug)
            .join(Tag)
            .where(EventTag.event.in_(ids))
            .order_by(Tag.slug)
            .tuples()
        ):
            tags[event_id].append(slug)
        for link in (
            EventActor.select(EventActor, Actor)
            .join(Actor)
            .where(EventActor.event.in_(ids))
            .order_by(EventActor.position)
        ):
            actors[link.event_id].append(
                {
                    "slug": link.actor.slug,
                    "name": link.actor.name,
                    "actor_type": link.actor.actor_type,
                    "country": link.actor.country,
                    "role": link.role,
                }
            )
        for event_id, slug in (
            Citation.select(Citation.event, Source.slug)
            .join(Source)
            .where(Citation.event.in_(ids))
            .order_by(Citation.position)
            .tuples()
        ):
            sources[event_id].append(slug)
    return [
        {
            "slug": event.slug,
            "url": event_url(event.slug),
            "title": event.title,
            "summary": event.summary,
            "date": event.date,
            "date_precision": event.date_precision,
            "date_start": event.date_start,
            "date_end": event.date_end,
            "date_note": event.date_note,
            "event_type": event.event_type,
            "place": event.place,
            "country": event.country,
            "tags": tags[event.id],
            "actors": actors[event.id],
            "sources": sources[event.id],
            "score": getattr(event, "score", None),
            "snippet": highlight_snippet(getattr(event, "snippet", None)),
        }
        for event in events
    ]


def event_detail(event: Event) -> dict:
    """The whole event: summary fields plus tags, citations with quotes, points, relations."""
    detail = event_summaries([event])[0]
    detail["tag_details"] = [
        {"slug": tag.slug, "name": tag.name}
        for tag in Tag.select().join(EventTag).where(EventTag.event == event).order_by(Tag.slug)
    ]
    citations = list(
        Citation.select(Citation, Source)
        .join(Source)
        .where(Citation.event == event)
        .order_by(Citation.position)
    )
    quotes = defaultdict(list)
    for quote in (
        Quote.select().where(Quote.citation.in_([c.id for c in citations])).order_by(Quote.position)
    ):
        quotes[quote.citation_id].append(quote.text)
    detail["citations"] = [
        {
            "source": {
                "slug": c.source.slug,
                "url": source_url(c.source.slug),
                "publisher": c.source.publisher,
                "headline": c.source.headline,
                "published": c.source.published,
                "article_url": c.source.url,
            },
            "quotes": quotes[c.id],
        }
        for c in citations
    ]
    detail["points"] = [
        {"summary": point.summary, "quote": point.quote, "source": point.source.slug}
        for point in EventPoint.select(EventPoint, Source)
        .join(Source)
        .where(EventPoint.event == event)
        .order_by(EventPoint.position)
    ]
    Target = Event.alias()
    outgoing = (
        EventRelation.select(EventRelation, Target)
        .join(Target, on=(EventRelation.target == Target.id))
        .where(EventRelation.event == event)
    )
    Origin = Event.alias()
    incoming = (
        EventRelation.select(EventRelation, Origin)
        .join(Origin, on=(EventRelation.event == Origin.id))
        .where(EventRelation.target == event)
    )
    related = [
        {
            "relation": r.relation_type,
            "direction": "outgoing",
            "note": r.note,
            "event": event_ref(r.target),
        }
        for r in outgoing
    ] + [
        {
            "relation": RELATION_INVERSES[r.relation_type],
            "direction": "incoming",
            "note": r.note,
            "event": event_ref(r.event),
        }
        for r in incoming
    ]
    related.sort(key=lambda item: (item["event"]["date"], item["event"]["slug"]))
    detail["related"] = related
    return detail


def events_linked_by(link_field, owner_ids: list[int]) -> dict[int, list[Event]]:
    """Events linked to each owner through `link_field` (e.g. Citation.source), in date order.

    One query for any number of owners, so lists of sources, actors or tags stay O(1).
    """
    link_model = link_field.model
    linked: dict[int, list[Event]] = defaultdict(list)
    if not owner_ids:
        return linked
    rows = (
        Event.select(Event, link_field.alias("owner_id"))
        .join(link_model, on=(link_model.event == Event.id))
        .where(link_field.in_(owner_ids))
        .order_by(Event.date_start, Event.slug)
        .objects()
    )  # put owner_id on the Event itself, not on the joined link row
    seen = set()
    for event in rows:
        if (event.owner_id, event.id) not in seen:
            seen.add((event.owner_id, event.id))
            linked[event.owner_id].append(event)
    return linked
