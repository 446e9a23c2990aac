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
    Place,
    Quote,
    Source,
    Tag,
)
from timeline_api.search import highlight_snippet
from timeline_api.vocabulary import RELATION_INVERSES


# Absolute, like the `links` of a page: a client follows a `url` as it is.
def event_url(slug: str) -> str:
    return url_for("events.get_event", slug=slug, _external=True)


def source_url(slug: str) -> str:
    return url_for("sources.get_source", slug=slug, _external=True)


def actor_url(slug: str) -> str:
    return url_for("actors.get_actor", slug=slug, _external=True)


def tag_url(slug: str) -> str:
    return url_for("tags.get_tag", slug=slug, _external=True)


def source_ref(slug: str, publisher: str, headline: str, published: str | None) -> dict:
    """A source as events embed it: enough to credit it without following its `url`."""
    return {
        "slug": slug,
        "url": source_url(slug),
        "publisher": publisher,
        "headline": headline,
        "published": published,
    }


ID_BATCH = 5000


def event_ref(slug: str, title: str, date: str, date_precision: str) -> dict:
    """A short reference to another event, as `related` lists it."""
    return {
        "slug": slug,
        "url": event_url(slug),
        "title": title,
        "date": date,
        "date_precision": date_precision,
    }


PLACE_COLUMNS = (
    Place.id,
    Place.name,
    Place.country,
    Place.latitude,
    Place.longitude,
    Place.gazetteer_id,
    Place.geo_precision,
)


def places_by_id(place_ids: set[int]) -> dict[int, dict]:
    """The API's place objects for these place ids (one query, even for none, so a page
    costs the same number of queries whatever its events)."""
    return {
        place_id: {
            "name": name,
            "country": country,
            "latitude": latitude,
            "longitude": longitude,
            "gazetteer_id": gazetteer_id,
            "geo_precision": geo_precision,
        }
        for place_id, name, country, latitude, longitude, gazetteer_id, geo_precision in (
            Place.select(*PLACE_COLUMNS).where(Place.id.in_(list(place_ids))).tuples()
        )
    }


def event_summaries(events: list[Event], fields: tuple[str, ...] | None = None) -> list[dict]:
    """Summaries of `events`, in order: three queries for tags, actors and sources per
    ID_BATCH events (a page is one batch; an export of every event is a few), and one
    for their places. With a sparse fieldset (`fields`), the queries for fields it leaves
    out are not run (those fields are then empty)."""

    def wanted(name: str) -> bool:
        return fields is None or name in fields

    tags, actors, sources = defaultdict(list), defaultdict(dict), defaultdict(list)
    all_ids = [event.id for event in events]
    places = (
        places_by_id({event.location_id for event in events if event.location_id})
        if wanted("place")
        else {}
    )
    # Bounded lists of ids: an IN (...) of an export's 100,000 ids would pass the
    # engines' limits on parameters (PostgreSQL's is 65,535).
    for ids in (all_ids[start : start + ID_BATCH] for start in range(0, len(all_ids), ID_BATCH)):
        if wanted("tags"):
            for event_id, slug, name in (
                EventTag.select(EventTag.event, Tag.slug, Tag.name)
                .join(Tag)
                .where(EventTag.event.in_(ids))
                .order_by(Tag.slug)
                .tuples()
            ):
                tags[event_id].append({"slug": slug, "name": name, "url": tag_url(slug)})
        if wanted("actors"):
            # Tuples, not model objects: building two models per row cost more than the query.
            for event_id, slug, name, actor_type, country, role in (
                EventActor.select(
                    EventActor.event,
                    Actor.slug,
                    Actor.name,
                    Actor.actor_type,
                    Actor.country,
                    EventActor.role,
                )
                .join(Actor)
                .where(EventActor.event.in_(ids))
                .order_by(EventActor.position)
                .tuples()
            ):
                # One entry per actor, with every role it played (in the seed's order).
                entry = actors[event_id].get(slug)
                if entry is None:
                    actors[event_id][slug] = {
                        "slug": slug,
                        "url": actor_url(slug),
                        "name": name,
                        "actor_type": actor_type,
                        "country": country,
                        "roles": [role],
                    }
                elif role not in entry["roles"]:
                    entry["roles"].append(role)
        if wanted("sources"):
            for event_id, *source in (
                Citation.select(
                    Citation.event, Source.slug, Source.publisher, Source.headline, Source.published
                )
                .join(Source)
                .where(Citation.event.in_(ids))
                .order_by(Citation.position)
                .tuples()
            ):
                sources[event_id].append(source_ref(*source))
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
            "place": places.get(event.location_id),
            "country": event.country,
            "tags": tags[event.id],
            "actors": list(actors[event.id].values()),
            "sources": sources[event.id],
            "created_at": event.created_at,
            "updated_at": event.updated_at,
            "revision": event.revision,
            "score": getattr(event, "score", None),
            "snippet": highlight_snippet(getattr(event, "snippet", None)),
        }
        for event in events
    ]


def event_detail(event: Event) -> dict:
    """The whole event: summary fields plus tags, citations with quotes, points, relations.

    Its queries fetch tuples rather than model objects: building a model per row (two for
    a join) took longer than running the queries.
    """
    detail = event_summaries([event])[0]
    # Search fields belong to a list's hits; a detail is never one.
    del detail["score"], detail["snippet"]
    citations = list(
        Citation.select(
            Citation.id,
            Source.slug,
            Source.publisher,
            Source.headline,
            Source.published,
        )
        .join(Source)
        .where(Citation.event == event)
        .order_by(Citation.position)
        .tuples()
    )
    quotes = defaultdict(list)
    for citation_id, text in (
        Quote.select(Quote.citation, Quote.text)
        .where(Quote.citation.in_([citation[0] for citation in citations]))
        .order_by(Quote.position)
        .tuples()
    ):
        quotes[citation_id].append(text)
    detail["citations"] = [
        {
            "source": source_ref(slug, publisher, headline, published),
            "quotes": quotes[citation_id],
        }
        for citation_id, slug, publisher, headline, published in citations
    ]
    detail["points"] = [
        {"summary": summary, "quote": quote, "source": source_ref(*source)}
        for summary, quote, *source in EventPoint.select(
            EventPoint.summary,
            EventPoint.quote,
            Source.slug,
            Source.publisher,
            Source.headline,
            Source.published,
        )
        .join(Source)
        .where(EventPoint.event == event)
        .order_by(EventPoint.position)
        .tuples()
    ]
    related = []
    Other = Event.alias()
    for direction, this_end, other_end in (
        ("outgoing", EventRelation.event, EventRelation.target),
        ("incoming", EventRelation.target, EventRelation.event),
    ):
        for relation_type, note, *other in (
            EventRelation.select(
                EventRelation.relation_type,
                EventRelation.note,
                Other.slug,
                Other.title,
                Other.date,
                Other.date_precision,
            )
            .join(Other, on=(other_end == Other.id))
            .where(this_end == event)
            .tuples()
        ):
            inverse = direction == "incoming"
            related.append(
                {
                    "relation": RELATION_INVERSES[relation_type] if inverse else relation_type,
                    "direction": direction,
                    "note": note,
                    "event": event_ref(*other),
                }
            )
    related.sort(key=lambda item: (item["event"]["date"], item["event"]["slug"]))
    detail["related"] = related
    return detail
