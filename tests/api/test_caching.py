"""Conditional GETs (ETag, If-None-Match, Cache-Control) and CORS for browser apps."""

import pytest

from timeline_api.app import create_app
from timeline_api.config import Config

GET_PATHS = [
    "/api/v1/events",
    "/api/v1/events?limit=2&tag=privacy",
    "/api/v1/events/alpha-plan",
    "/api/v1/sources",
    "/api/v1/sources/gazette-one",
    "/api/v1/actors",
    "/api/v1/actors/ann-example",
    "/api/v1/tags",
    "/api/v1/tags/privacy",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("path", GET_PATHS)
def test_every_get_has_an_etag_and_honours_if_none_match(client, path):
    response = client.get(path)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=60"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_etag_differs_when_the_representation_differs(client):
    first = client.get("/api/v1/events?limit=1").headers["ETag"]
    second = client.get("/api/v1/events?limit=2").headers["ETag"]
    assert first != second
    stale = client.get("/api/v1/events?limit=2", headers={"If-None-Match": first})
    assert stale.status_code == 200


def test_wildcard_if_none_match(client):
    assert client.get("/api/v1/tags", headers={"If-None-Match": "*"}).status_code == 304


def test_head_has_the_same_headers_without_a_body(client):
    get, head = client.get("/api/v1/events"), client.head("/api/v1/events")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Link"] == get.headers["Link"]


def test_errors_are_not_cached(client):
    response = client.get("/api/v1/events/nope")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_cache_max_age_is_configurable(database_url, seeded_db):
    app = create_app(Config(DATABASE_URL=database_url, CACHE_MAX_AGE=5))
    assert app.test_client().get("/api/v1/tags").headers["Cache-Control"] == (
        "public, max-age=5, stale-while-revalidate=5"
    )


def test_cors_lets_any_origin_read_by_default(client):
    response = client.get("/api/v1/events", headers={"Origin": "https://newsroom.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Link", "ETag"} <= exposed


def test_cors_preflight(client):
    response = client.options(
        "/api/v1/events",
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]


def test_cors_origins_are_configurable(database_url, seeded_db):
    app = create_app(Config(DATABASE_URL=database_url, CORS_ORIGINS=["https://ok.example"]))
    client = app.test_client()
    allowed = client.get("/api/v1/events", headers={"Origin": "https://ok.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://ok.example"
    assert "Origin" in allowed.headers.get("Vary", "")
    refused = client.get("/api/v1/events", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
