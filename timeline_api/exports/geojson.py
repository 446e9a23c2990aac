"""GeoJSON (RFC 7946): a FeatureCollection with one Feature per event, in the given order.

Each placed event is a Point at its place ([longitude, latitude], WGS 84); an event with no
known place keeps its Feature with a null geometry (RFC 7946, 3.2), so the collection holds
the same events as every other export. Partial dates: `start` and `end` are the first and
last day the date may mean ("2020-08-01" and "2020-08-31" for August 2020; `end` is
inclusive), beside `date` as curated and its `date_precision`. `end_exclusive` is the day
after `end`: Leaflet.timeline and Leaflet.TimeDimension read instants with `Date()`, so an
interval from `start` to `end` would give a one-day event no length and lose a month's last
day; `getInterval: f => ({start: Date.parse(f.properties.start), end:
Date.parse(f.properties.end_exclusive)})` gives each event its whole period.
`geo_precision` says whether the point is the city or only the country.
"""

import json
from datetime import timedelta

from timeline_api.exports.context import ExportContext
from timeline_api.exports.wording import human_date

MEDIA_TYPE = "application/geo+json"


def geometry(event: dict) -> dict | None:
    """A Point at the event's place, or None when it has none."""
    place = event.get("place")
    if not place:
        return None
    return {"type": "Point", "coordinates": [place["longitude"], place["latitude"]]}


def feature(event: dict, context: ExportContext) -> dict:
    """One Feature; its id is the event's slug."""
    place = event.get("place") or {}
    return {
        "type": "Feature",
        "id": event["slug"],
        "geometry": geometry(event),
        "properties": {
            "slug": event["slug"],
            "title": event["title"],
            "summary": event["summary"],
            "date": event["date"],
            "date_precision": event["date_precision"],
            "display_date": human_date(event),
            "start": event["date_start"].isoformat(),
            "end": event["date_end"].isoformat(),
            "end_exclusive": (event["date_end"] + timedelta(days=1)).isoformat(),
            "event_type": event["event_type"],
            "place": place.get("name"),
            "country": event.get("country"),
            "geo_precision": place.get("geo_precision"),
            "gazetteer_id": place.get("gazetteer_id"),
            "tags": event["tags"],
            "sources": event["sources"],
            "url": context.absolute_url(event["url"]),
        },
    }


def render(events: list[dict], context: ExportContext) -> bytes:
    """The FeatureCollection of `events`."""
    document = {
        "type": "FeatureCollection",
        "features": [feature(event, context) for event in events],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
