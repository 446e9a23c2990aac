"""Resolving each event's place to coordinates when the seeds are read (once per release).

An event's `place` (with its `country`) is looked up in the gazetteer; a curator's
`coordinates` override the lookup or place what the gazetteer lacks. An event with a
country but no place gets the country's point (`geo_precision: country`). Places are
shared: every event naming the same place in the same country points at one place row.
"""

import re
import unicodedata

from timeline_api.gazetteer import GAZETTEER_NAME, Gazetteer, shared_gazetteer
from timeline_api.seeds.files import SeedProblem


def place_slug(name: str, country: str | None) -> str:
    """A stable key: "beijing-cn"; a country alone is its lowercase code ("cn")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "place"
    return f"{words}-{country.lower()}" if country else words


def _place(slug, name, country, latitude, longitude, gazetteer_id, precision, origin) -> dict:
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


def resolve_place(event: dict, gazetteer: Gazetteer) -> tuple[dict | None, tuple, str | None]:
    """The event's place row, or (None, field path, reason) when it cannot be placed."""
    name, country, given = event.get("place"), event.get("country"), event.get("coordinates")
    if given is not None:
        if not name:
            return None, ("coordinates",), "coordinates need a place name in 'place'"
        return (
            _place(
                place_slug(name, country),
                name,
                country,
                given["latitude"],
                given["longitude"],
                None,
                "city",
                "curator",
            ),
            (),
            None,
        )
    if name:
        if not country:
            return (
                None,
                ("place",),
                (
                    f"place {name!r} has no country to look it up in; give 'country' "
                    "or 'coordinates'"
                ),
            )
        found = gazetteer.city(name, country)
        if found is None:
            return (
                None,
                ("place",),
                (
                    f"place {name!r} is not in the gazetteer ({GAZETTEER_NAME}) for country "
                    f"{country}; give its 'coordinates' (latitude, longitude)"
                ),
            )
        slug = place_slug(name, country)
        return (
            _place(
                slug,
                found.name,
                country,
                found.latitude,
                found.longitude,
                found.gazetteer_id,
                "city",
                "gazetteer",
            ),
            (),
            None,
        )
    if country:
        found = gazetteer.country_point(country)
        if found is None:
            return (
                None,
                ("country",),
                (
                    f"country {country} has no point in the gazetteer ({GAZETTEER_NAME}); "
                    "give 'place' and 'coordinates'"
                ),
            )
        return (
            _place(
                country.lower(),
                found.name,
                country,
                found.latitude,
                found.longitude,
                found.gazetteer_id,
                "country",
                found.coordinates_from,
            ),
            (),
            None,
        )
    return None, (), None


def resolve_places(dataset, problem_of) -> tuple[list[dict], list[SeedProblem]]:
    """Every event's place (set as event["_place"], a slug or None) and the place rows.

    `problem_of(event, path, reason)` makes a SeedProblem located in the event's file.
    """
    gazetteer = None
    places: dict[str, dict] = {}
    first_user: dict[str, str] = {}
    problems = []
    for event in dataset.events:
        event["_place"] = None
        if not (event.get("place") or event.get("country") or event.get("coordinates")):
            continue
        gazetteer = gazetteer or shared_gazetteer()
        place, path, reason = resolve_place(event, gazetteer)
        if place is None:
            if reason:
                problems.append(problem_of(event, path, reason))
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
