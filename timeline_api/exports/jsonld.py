"""schema.org JSON-LD: the events, and the news articles citing them, as one @graph.

"https://schema.org" is a vocabulary identifier; nothing is fetched. A law becomes
`Legislation` (with `legislationDate`), every other event an `Event`. Each article is a
`NewsArticle` node in the graph once, and events point at it from `subjectOf` by @id.

Partial dates: schema.org dates accept ISO 8601 reduced precision, so `startDate` (and
`legislationDate`) carry the date text as curated ("2020-08", "2024") and `endDate` is
omitted rather than inventing a last day. Actors go to `organizer` (announcer, issuer,
organiser), `performer` (speaker, spokesperson), `attendee` (participant) or `about`
(target, addressee); for Legislation the first group is `legislationPassedBy` and the
others `mentions`, the properties a CreativeWork has.
"""

import json

from timeline_api.exports.context import ExportContext
from timeline_api.gazetteer import GEONAMES_URL

ACTOR_TYPES = {
    "person": "Person",
    "government_body": "GovernmentOrganization",
    "state": "Country",
    "company": "Corporation",
    "international_organisation": "Organization",
}
EVENT_ROLES = {
    "announcer": "organizer",
    "issuer": "organizer",
    "organiser": "organizer",
    "speaker": "performer",
    "spokesperson": "performer",
    "participant": "attendee",
    "target": "about",
    "addressee": "about",
}
LEGISLATION_ROLES = {"organizer": "legislationPassedBy"}


def _actor_node(actor: dict) -> dict:
    return {"@type": ACTOR_TYPES.get(actor["actor_type"], "Organization"), "name": actor["name"]}


def _place_node(event: dict) -> dict | None:
    place = event.get("place")
    if not (place or event.get("country")):
        return None
    node: dict = {"@type": "Place"}
    if place:
        node["name"] = place["name"]
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place["latitude"],
            "longitude": place["longitude"],
        }
        if place.get("gazetteer_id"):
            node["sameAs"] = GEONAMES_URL.format(id=place["gazetteer_id"])
    if event.get("country"):
        node["address"] = {"@type": "PostalAddress", "addressCountry": event["country"]}
    return node


def _actor_properties(event: dict, is_law: bool) -> dict[str, list[dict]]:
    """Actors grouped by schema.org property; an actor is listed once per property."""
    grouped: dict[str, dict[str, dict]] = {}
    for actor in event["actors"]:
        for role in actor["roles"]:
            prop = EVENT_ROLES.get(role, "about")
            if is_law:
                prop = LEGISLATION_ROLES.get(prop, "mentions")
            grouped.setdefault(prop, {}).setdefault(actor["slug"], _actor_node(actor))
    return {prop: list(actors.values()) for prop, actors in grouped.items()}


def event_node(event: dict, context: ExportContext) -> dict:
    """The Event or Legislation node for one event."""
    is_law = event["event_type"] == "law"
    node: dict = {
        "@type": "Legislation" if is_law else "Event",
        "@id": context.absolute_url(event["url"]),
        "url": context.absolute_url(event["url"]),
        "identifier": event["slug"],
        "name": event["title"],
        "description": event["summary"],
    }
    node["legislationDate" if is_law else "startDate"] = event["date"]
    place = _place_node(event)
    if place:
        node["locationCreated" if is_law else "location"] = place
    tags = [
        {"@type": "DefinedTerm", "termCode": tag["slug"], "name": tag["name"]}
        for tag in event["tags"]
    ]
    actors = _actor_properties(event, is_law)
    actors["about"] = tags + actors.get("about", [])
    node.update({prop: values for prop, values in actors.items() if values})
    articles = [{"@id": article_id(s, context)} for s in context.sources_of(event)]
    if articles:
        node["subjectOf"] = articles
    return node


def article_id(source: dict, context: ExportContext) -> str:
    """The NewsArticle's @id: the API's absolute URL for the source."""
    return context.absolute_url(source["api_url"])


def article_node(source: dict, context: ExportContext) -> dict:
    """A NewsArticle node; the date and URL only when known."""
    node = {
        "@type": "NewsArticle",
        "@id": article_id(source, context),
        "headline": source["headline"],
        "publisher": {"@type": "Organization", "name": source["publisher"]},
    }
    if source.get("published"):
        node["datePublished"] = source["published"]
    if source.get("url"):
        node["url"] = source["url"]
    return node


def render(events: list[dict], context: ExportContext) -> bytes:
    """The graph: event nodes in the given order, then each cited article once."""
    cited = {s["slug"]: s for event in events for s in context.sources_of(event)}
    graph = [event_node(event, context) for event in events]
    graph += [article_node(source, context) for source in cited.values()]
    document = {"@context": "https://schema.org", "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
