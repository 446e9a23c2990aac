"""Resolving each event's place to coordinates when the seeds are read (once per release).

An event's `place` (with its `country`) is looked up in the gazetteer; a curator's
`coordinates` override the lookup or place what the gazetteer lacks. An event with a
country but no place gets the country's point (`geo_precision: country`). Places are
shared: every event naming the same place in the same country points at one place row. A
gazetteer city is keyed by the gazetteer's own name for it, so "Genève" and "Geneva" are one
row (one GeoNames id). `geo_precision: city` means the named place itself, whether the
gazetteer or the curator's `coordinates` placed it (`coordinates_from` says which).
"""

import json
import re
import unicodedata
from collections.abc import Callable, Mapping

from timeline_api.gazetteer import GAZETTEER_NAME, Gazetteer, shared_gazetteer
from timeline_api.seeds.files import SeedProblem


def place_slug(name: str, country: str | None) -> str:
    """A stable key: "beijing-cn"; a country alone is its lowercase code ("cn")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "place"
    return f"{words}-{country.lower()}" if country else words


class UnresolvedPlace(Exception):
    """An event whose place cannot be resolved: the seed field to fix, and why."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


def _place(
    slug: str,
    name: str,
    country: str | None,
    latitude: float,
    longitude: float,
    gazetteer_id: int | None,
    precision: str,
    origin: str,
) -> dict:
    return {
        "slug": slug,
        "name": name,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        "gazetteer_id": gazetteer_id,
        "geo_precision": precision,
        "coordinates_from": origin,
    }


def resolve_place(event: dict, gazetteer: Gazetteer) -> dict | None:
    """The event's place row (None: neither a place nor a country); UnresolvedPlace when
    it names one that cannot be placed."""
    name, country, given = event.get("place"), event.get("country"), event.get("coordinates")
    if given is not None:
        if not name:
            raise UnresolvedPlace("coordinates", "coordinates need a place name in 'place'")
        slug = place_slug(name, country)
        return _place(
            slug, name, country, given["latitude"], given["longitude"], None, "city", "curator"
        )
    if name:
        if not country:
            raise UnresolvedPlace(
                "place",
                f"place {name!r} has no country to look it up in; give 'country' or 'coordinates'",
            )
        found = gazetteer.city(name, country)
        if found is None:
            raise UnresolvedPlace(
                "place",
                f"place {name!r} is not in the gazetteer ({GAZETTEER_NAME}) for country "
                f"{country}; give its 'coordinates' (latitude, longitude)",
            )
        return _place(
            place_slug(found.name, country),  # every spelling of one city: one row
            found.name,
            country,
            found.latitude,
            found.longitude,
            found.gazetteer_id,
            "city",
            "gazetteer",
        )
    if country:
        found = gazetteer.country_point(country)
        if found is None:
            raise UnresolvedPlace(
                "country",
                f"country {country} has no point in the gazetteer ({GAZETTEER_NAME}); give "
                "'place' and 'coordinates'",
            )
        return _place(
            country.lower(),
            found.name,
            country,
            found.latitude,
            found.longitude,
            found.gazetteer_id,
            "country",
            found.coordinates_from,
        )
    return None


def resolve_places(
    dataset,
    problem_of: Callable[[dict, tuple, str], SeedProblem],
    known_places: Mapping[str, str] | None = None,
) -> tuple[list[dict], list[SeedProblem]]:
    """Every event's place (set as event["_place"], a slug or None) and the place rows.

    `problem_of(event, path, reason)` makes a SeedProblem located in the event's file;
    `known_places`: {event slug: its place row as JSON} of events placed by an earlier load.
    """
    known_places = known_places or {}
    gazetteer = None
    places: dict[str, dict] = {}
    resolved: dict[tuple, dict | UnresolvedPlace | None] = {}
    first_user: dict[str, str] = {}
    problems = []
    for event in dataset.events:
        event["_place"] = None
        if not (event.get("place") or event.get("country") or event.get("coordinates")):
            continue
        given = event.get("coordinates")
        key = (event.get("place"), event.get("country"), given and tuple(sorted(given.items())))
        if key not in resolved:  # many events share a place: looked up once each
            kept = known_places.get(event["slug"])
            if kept is not None:  # placed by an earlier load, with the same gazetteer
                resolved[key] = json.loads(kept)
            else:
                gazetteer = gazetteer or shared_gazetteer()  # built only when needed
                try:
                    resolved[key] = resolve_place(event, gazetteer)
                except UnresolvedPlace as unresolved:
                    resolved[key] = unresolved
        place = resolved[key]
        if isinstance(place, UnresolvedPlace):
            problems.append(problem_of(event, (place.field,), place.reason))
            continue
        known = places.get(place["slug"])
        if known is not None and known != place:
            problems.append(
                problem_of(
                    event,
                    ("coordinates",) if event.get("coordinates") else ("place",),
                    f"place {place['name']!r} ({place['country']}) is placed differently in "
                    f"event {first_user[place['slug']]!r}; give both the same coordinates",
                )
            )
            continue
        places.setdefault(place["slug"], place)
        first_user.setdefault(place["slug"], event["slug"])
        event["_place"] = place["slug"]
    return sorted(places.values(), key=lambda place: place["slug"]), problems
