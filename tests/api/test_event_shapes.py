"""Answers shaped by the client: `fields=` on the list and the detail, `facet_size=` on facets,
places with coordinates, and one event in every export format."""

import json
import re

import icalendar
import pytest

from timeline_api.exports import EXPORT_FORMATS


def test_places_are_objects_with_coordinates(client):
    items = {e["slug"]: e for e in client.get("/api/v1/events?limit=100").get_json()["items"]}
    # Exampleville is not in the gazetteer: the curator's coordinates are used, no GeoNames id.
    assert items["alpha-plan"]["place"] == {
        "name": "Exampleville",
        "country": "FR",
        "latitude": 46.5,
        "longitude": 2.25,
        "gazetteer_id": None,
        "geo_precision": "city",
    }
    # Known only by its country: the country's point from the gazetteer, marked `country`.
    beta = items["beta-rejects-plan"]["place"]
    assert (beta["name"], beta["geo_precision"], beta["gazetteer_id"]) == (
        "Germany",
        "country",
        2921044,
    )
    assert items["forum-meeting"]["place"] is None  # neither place nor country


def test_sparse_fieldsets_on_the_list(client):
    body = client.get("/api/v1/events?fields=slug,title,date&limit=2").get_json()
    assert [list(item) for item in body["items"]] == [["slug", "title", "date"]] * 2
    assert {"total", "links", "next_cursor"} <= set(body)  # the page's own fields stay


def test_fields_left_out_are_not_queried(client):
    from tests.api.test_events import count_queries

    client.get("/api/v1/events?limit=5")  # the total is counted once, then kept
    whole = count_queries(client, "/api/v1/events?limit=4")
    # Tags, actors, sources and places are each a query of their own: none is run here.
    assert count_queries(client, "/api/v1/events?limit=3&fields=slug,title") == whole - 4
    items = client.get("/api/v1/events?limit=5&fields=slug,tags").get_json()["items"]
    full = client.get("/api/v1/events?limit=5").get_json()["items"]
    assert [item["tags"] for item in items] == [item["tags"] for item in full]


def test_sparse_fieldsets_on_the_detail(client):
    body = client.get("/api/v1/events/alpha-plan?fields=slug,place,citations").get_json()
    assert list(body) == ["slug", "place", "citations"]
    assert body["citations"][0]["quotes"]


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/events/alpha-plan"])
def test_an_unknown_field_is_a_422_naming_it(client, path):
    response = client.get(f"{path}?fields=slug,colour")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["invalid_params"][0]["name"] == "fields"
    assert "'colour'" in problem["invalid_params"][0]["reason"]


def test_detail_only_fields_are_not_list_fields(client):
    assert client.get("/api/v1/events?fields=citations").status_code == 422


@pytest.mark.parametrize("name", ["score", "snippet"])
def test_search_only_fields_are_not_detail_fields(client, name):
    # They only mean something in a list searched with q=: a detail would answer null.
    response = client.get(f"/api/v1/events/alpha-plan?fields=slug,{name}")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "fields"


@pytest.mark.parametrize("path", ["/api/v1/events?limit=2&", "/api/v1/events/alpha-plan?"])
def test_repeated_fields_is_a_422_naming_it(client, path):
    # Not silently the first value: the rule of every single-valued parameter.
    response = client.get(f"{path}fields=slug&fields=title")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "fields"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/events?format=csv&fields=slug", "/api/v1/events/alpha-plan?format=ics&fields=slug"],
)
def test_fields_with_an_export_is_a_422(client, path):
    response = client.get(path)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["invalid_params"][0]["name"] == "fields"
    assert "JSON answers only" in problem["invalid_params"][0]["reason"]


@pytest.mark.parametrize(
    "path", ["/api/v1/events.csv?fields=slug", "/api/v1/events/alpha-plan.geojson?fields=slug"]
)
def test_export_paths_take_no_fields(client, path):
    response = client.get(path)
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "fields"


def test_fields_with_an_export_by_accept_is_a_422(client):
    response = client.get("/api/v1/events?fields=slug", headers={"Accept": "text/csv"})
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "fields"


@pytest.mark.parametrize("query", ["colour=red", "limit=5"])
def test_single_event_export_rejects_unknown_parameters(client, query):
    response = client.get(f"/api/v1/events/alpha-plan.ics?{query}")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == query.split("=")[0]


def test_facet_size_keeps_the_top_values_and_counts_the_rest(client):
    whole = client.get("/api/v1/events/facets").get_json()
    top = client.get("/api/v1/events/facets?facet_size=1").get_json()
    assert "others" not in whole
    for name, values in whole["facets"].items():
        assert top["facets"][name] == values[:1]
        assert top["others"][name] == {
            "values": len(values) - len(values[:1]),
            "count": sum(value["count"] for value in values[1:]),
        }


def test_facet_size_must_be_positive(client):
    response = client.get("/api/v1/events/facets?facet_size=0")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "facet_size"


@pytest.mark.parametrize("name", list(EXPORT_FORMATS))
def test_one_event_by_path_format_and_accept(client, name):
    export = EXPORT_FORMATS[name]
    by_path = client.get(f"/api/v1/events/alpha-plan.{name}")
    by_param = client.get(f"/api/v1/events/alpha-plan?format={name}")
    assert by_path.status_code == by_param.status_code == 200
    assert by_path.headers["Content-Type"] == export.media_type
    # Atom and TimelineJS name their own URL, which differs; the rest is the same.
    strip = re.compile(rb"http://localhost/api/v1/events[^\s\"<]*")
    assert strip.sub(b"", by_path.get_data()) == strip.sub(b"", by_param.get_data())
    assert f'filename="alpha-plan.{export.extension}"' in by_path.headers["Content-Disposition"]
    assert by_path.headers["ETag"]


def test_one_event_as_an_ics_file(client):
    response = client.get("/api/v1/events/alpha-plan", headers={"Accept": "text/calendar"})
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.get_data())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Alpha Ministry announces a privacy plan"
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (46.5, 2.25)
    assert str(vevent["LOCATION"]) == "Exampleville"


def test_one_event_as_geojson_by_accept(client):
    response = client.get(
        "/api/v1/events/beta-rejects-plan", headers={"Accept": "application/geo+json"}
    )
    assert response.headers["Content-Type"] == "application/geo+json"
    (feature,) = json.loads(response.get_data())["features"]
    assert feature["id"] == "beta-rejects-plan"
    assert feature["properties"]["geo_precision"] == "country"


def test_unknown_event_export_is_a_404(client):
    assert client.get("/api/v1/events/no-such-event.ics").status_code == 404
    assert client.get("/api/v1/events/no-such-event?format=ics").status_code == 404


def test_the_list_as_geojson_by_accept(client):
    response = client.get("/api/v1/events?tag=privacy", headers={"Accept": "application/geo+json"})
    assert response.headers["Content-Type"] == "application/geo+json"
    assert "Accept" in response.headers["Vary"]
    features = json.loads(response.get_data())["features"]
    listed = client.get("/api/v1/events?tag=privacy").get_json()["items"]
    assert [f["id"] for f in features] == [e["slug"] for e in listed]
