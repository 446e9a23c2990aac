"""Export routes: the same filtered query in every format, by path, format= or Accept."""

import csv
import io
import json
import re

import pytest

from timeline_api.exports import EXPORT_FORMATS

FORMATS = list(EXPORT_FORMATS)


@pytest.mark.parametrize("name", FORMATS)
def test_path_and_format_parameter_give_the_same_export(client, name):
    by_path = client.get(f"/api/v1/events.{name}?tag=privacy")
    by_param = client.get(f"/api/v1/events?tag=privacy&format={name}")
    assert by_path.status_code == by_param.status_code == 200
    assert by_path.headers["Content-Type"] == EXPORT_FORMATS[name].media_type
    # Atom and TimelineJS name their own URL, which differs; the rest is the same.
    strip = re.compile(rb"http://localhost/api/v1/events[^\s\"<]*")
    assert strip.sub(b"", by_path.get_data()) == strip.sub(b"", by_param.get_data())
    assert "Accept" in by_path.headers["Vary"]


@pytest.mark.parametrize("name", FORMATS)
def test_exports_have_etags(client, name):
    response = client.get(f"/api/v1/events.{name}")
    again = client.get(
        f"/api/v1/events.{name}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_csv_holds_every_matching_event_in_the_requested_order(client):
    listed = client.get("/api/v1/events?type=statement&sort=-date").get_json()
    text = client.get("/api/v1/events.csv?type=statement&sort=-date").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["slug"] for row in rows] == [item["slug"] for item in listed["items"]]
    assert rows[0]["url"].startswith("http://localhost/api/v1/events/")


def test_export_follows_search(client):
    body = json.loads(client.get("/api/v1/events.timelinejs?q=unfair").get_data())
    assert [event["unique_id"] for event in body["events"]] == ["beta-rejects-plan"]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/csv", "text/csv"),
        ("text/calendar", "text/calendar"),
        ("application/atom+xml", "application/atom+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
        ("text/csv;q=0.5, text/calendar;q=0.9", "text/calendar"),
    ],
)
def test_accept_negotiation_on_the_list(client, accept, media_type):
    response = client.get("/api/v1/events", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]


def test_unsupported_accept_is_a_406_problem(client):
    response = client.get("/api/v1/events", headers={"Accept": "application/xml"})
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    assert "text/csv" in response.get_json()["detail"]


def test_unknown_format_is_a_422_or_404_problem(client):
    assert client.get("/api/v1/events?format=xml").status_code == 422
    response = client.get("/api/v1/events.xml")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_paging_parameters_are_not_taken_by_export_paths(client):
    response = client.get("/api/v1/events.csv?limit=2")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "limit"


def test_empty_export_is_valid(client):
    text = client.get("/api/v1/events.csv?year=1999").get_data(as_text=True)
    assert text.splitlines()[0].startswith("slug,title")
    assert len(text.splitlines()) == 1
