"""GeoJSON: validated by the `geojson` library, shaped as Leaflet.timeline reads it."""

import json

import geojson as geojson_library

from timeline_api.exports import geojson


def features(body: bytes) -> dict[str, dict]:
    return {feature["id"]: feature for feature in json.loads(body)["features"]}


def test_valid_rfc7946_feature_collection(events, context):
    body = geojson.render(events, context)
    collection = geojson_library.loads(body.decode())
    assert isinstance(collection, geojson_library.FeatureCollection)
    assert collection.is_valid, collection.errors()
    assert [feature["id"] for feature in collection["features"]] == [e["slug"] for e in events]
    for feature in collection["features"]:
        if feature["geometry"] is not None:
            assert isinstance(feature["geometry"], geojson_library.Point)
            assert feature["geometry"].is_valid


def test_point_is_longitude_then_latitude(events, context):
    dialogue = features(geojson.render(events, context))["un-privacy-dialogue"]
    assert dialogue["geometry"] == {"type": "Point", "coordinates": [6.14569, 46.20222]}
    properties = dialogue["properties"]
    assert properties["place"] == "Geneva" and properties["geo_precision"] == "city"
    assert properties["gazetteer_id"] == 2660646
    assert properties["url"] == "http://127.0.0.1:8000/api/v1/events/un-privacy-dialogue"


def test_start_and_end_are_the_first_and_last_day_the_date_may_mean(events, context):
    found = features(geojson.render(events, context))
    assert {
        slug: (f["properties"]["start"], f["properties"]["end"], f["properties"]["date_precision"])
        for slug, f in found.items()
    } == {
        "un-privacy-dialogue": ("2020-03-05", "2020-03-05", "day"),
        "clean-network-programme": ("2020-08-01", "2020-08-31", "month"),
        "zurich-data-forum": ("2021-06-01", "2021-06-01", "day"),
        "reported-us-order": ("2024-01-01", "2024-12-31", "year"),
    }
    assert found["clean-network-programme"]["properties"]["display_date"] == "August 2020"


def test_end_exclusive_is_the_day_after_the_last_day(events, context):
    # Leaflet.timeline reads instants with Date(): start..end_exclusive spans the whole period.
    found = features(geojson.render(events, context))
    assert {slug: f["properties"]["end_exclusive"] for slug, f in found.items()} == {
        "un-privacy-dialogue": "2020-03-06",
        "clean-network-programme": "2020-09-01",
        "zurich-data-forum": "2021-06-02",
        "reported-us-order": "2025-01-01",
    }


def test_country_only_event_is_marked_country(events, context):
    network = features(geojson.render(events, context))["clean-network-programme"]
    assert network["properties"]["geo_precision"] == "country"
    assert network["properties"]["place"] == "United States"


def test_an_unplaced_event_keeps_its_feature_with_null_geometry(events, context):
    law = features(geojson.render(events, context))["reported-us-order"]
    assert law["geometry"] is None and law["properties"]["geo_precision"] is None


def test_empty_collection(context):
    collection = geojson_library.loads(geojson.render([], context).decode())
    assert collection.is_valid and collection["features"] == []
