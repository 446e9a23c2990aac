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


class PlaceResolver:
    """Places events as they are read, in any number of batches, sharing one place row
    per place across all of them (a first load writes each batch as it comes)."""

    def __init__(
        self,
        problem_of: Callable[[dict, tuple, str], SeedProblem] | None = None,
        known_places: Mapping[str, str | dict] | None = None,
    ):
        """`problem_of(event, path, reason)` makes a SeedProblem located in the event's
        file; `known_places`: {event slug: its place row, or it as JSON} of events placed
        already, by an earlier load or a reading process (it may grow between batches)."""
        self.problem_of = problem_of  # None: place_of only
        self.known_places = known_places if known_places is not None else {}
        self.gazetteer: Gazetteer | None = None
        self.by_slug: dict[str, dict] = {}
        self.resolved: dict[tuple, dict | UnresolvedPlace | None] = {}
        self.first_user: dict[str, str] = {}

    @property
    def places(self) -> list[dict]:
        """The place rows so far, in the order events first named them (a first load
        writes them batch by batch: both ways give them the same ids)."""
        return list(self.by_slug.values())

    def place_of(self, event: dict) -> dict | UnresolvedPlace | None:
        """The event's place row, or why it has none, alone: not checked against the places
        of other events."""
        if not (event.get("place") or event.get("country") or event.get("coordinates")):
            return None
        given = event.get("coordinates")
        key = (event.get("place"), event.get("country"), given and tuple(sorted(given.items())))
        if key not in self.resolved:  # many events share a place: looked up once each
            kept = self.known_places.get(event["slug"])
            if kept is not None:  # placed already, with the same gazetteer
                self.resolved[key] = json.loads(kept) if isinstance(kept, str) else kept
            else:
                self.gazetteer = self.gazetteer or shared_gazetteer()  # only when needed
                try:
                    self.resolved[key] = resolve_place(event, self.gazetteer)
                except UnresolvedPlace as unresolved:
                    self.resolved[key] = unresolved
        return self.resolved[key]

    def resolve(self, events: list[dict]) -> list[SeedProblem]:
        """Set each event's place (event["_place"], a slug or None); return the problems."""
        problems = []
        for event in events:
            event["_place"] = None
            place = self.place_of(event)
            if place is None:
                continue
            if isinstance(place, UnresolvedPlace):
                problems.append(self.problem_of(event, (place.field,), place.reason))
                continue
            known = self.by_slug.get(place["slug"])
            if known is not None and known != place:
                problems.append(
                    self.problem_of(
                        event,
                        ("coordinates",) if event.get("coordinates") else ("place",),
                        f"place {place['name']!r} ({place['country']}) is placed differently "
                        f"in event {self.first_user[place['slug']]!r}; give both the same "
                        "coordinates",
                    )
                )
                continue
            self.by_slug.setdefault(place["slug"], place)
            self.first_user.setdefault(place["slug"], event["slug"])
            event["_place"] = place["slug"]
        return problems
