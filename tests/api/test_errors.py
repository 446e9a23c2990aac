"""Every error is an RFC 9457 problem document; no request produces a 500 or HTML."""

import pytest

from timeline_api.models import database

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_422_names_each_parameter_and_reason(client):
    body = assert_problem(client.get("/api/v1/events?limit=0&type=coup&from=2020-13"), 422)
    params = {p["name"]: p["reason"] for p in body["invalid_params"]}
    assert set(params) == {"limit", "type", "from"}
    assert "less than or equal to 100" in params["limit"]
    assert "month must be between 01 and 12" in params["from"]
    assert all(p["in"] == "query" for p in body["invalid_params"])
    assert "'limit'" in body["detail"]


def test_unknown_parameter_is_named(client):
    body = assert_problem(client.get("/api/v1/events?tpye=law"), 422)
    assert body["invalid_params"] == [
        {"name": "tpye", "in": "query", "reason": "Unknown parameter."}
    ]


def test_to_before_from(client):
    body = assert_problem(client.get("/api/v1/events?from=2021&to=2020"), 422)
    assert body["invalid_params"][0]["name"] == "to"


def test_404_for_unknown_paths_is_a_problem(client):
    body = assert_problem(client.get("/nowhere"), 404)
    assert body["instance"] == "/nowhere"


def test_405_carries_allow(client):
    response = client.post("/api/v1/events")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert client.delete("/api/v1/events/alpha-plan").status_code == 405


@pytest.mark.parametrize(
    "query",
    [
        "limit=99999999999999999999999999",
        "limit=-1",
        "limit=1e400",
        "limit=%ff",
        "year=99999999999999999999",
        "year=-5",
        "year=NaN",
        "from=99999",
        "from=2020-02-30",
        "country=%F0%9F%98%80",
        "country=ABC",
        "sort=date;DROP TABLE event",
        "tag=" + "x" * 5000,
    ],
)
def test_malformed_values_are_422_never_500(client, query):
    assert_problem(client.get(f"/api/v1/events?{query}"), 422)


@pytest.mark.parametrize(
    "query",
    ["actor=' OR 1=1 --", "source=%E2%80%AE", "tag=%ff%fe", "tag=Privacy", "country=%C3%A9x"],
)
def test_values_that_cannot_be_slugs_or_codes_are_named_in_a_422(client, query):
    body = assert_problem(client.get(f"/api/v1/events?{query}"), 422)
    assert body["invalid_params"][0]["name"] == query.split("=")[0]


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("year=2021&year=2021", 5),
        ("tag=no-such-tag", 0),
        ("q=%27%3B%20DROP", 0),
        ("from=&tag=&q=", 6),
    ],
)
def test_odd_but_valid_values_give_correct_results(client, query, total):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 200
    assert response.get_json()["total"] == total


def test_unexpected_error_is_a_500_problem_without_internals(database_url, seeded_db):
    from timeline_api.app import create_app
    from timeline_api.config import Config

    app = create_app(Config(DATABASE_URL=database_url))

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert body["detail"] == "An unexpected error occurred; it has been logged."


def test_database_failure_is_a_503_problem(sqlite_database_url):
    from tests.conftest import FIXTURE_SEEDS
    from timeline_api.app import create_app
    from timeline_api.config import Config
    from timeline_api.database import migrate_database
    from timeline_api.seeds import load_seeds

    app = create_app(Config(DATABASE_URL=sqlite_database_url))
    migrate_database()
    load_seeds(FIXTURE_SEEDS)
    database.execute_sql("DROP TABLE event")  # what a deleted or foreign database file looks like
    response = app.test_client().get("/api/v1/events")
    assert_problem(response, 503)
    assert response.headers["Retry-After"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?tag=%00",
        "/api/v1/events?to=2020%00",
        "/api/v1/events?x%00=1",
        "/api/v1/events/alpha-plan%00",
        "/api/v1/tags/%00",
    ],
)
def test_nul_characters_are_a_400_problem(client, url):
    body = assert_problem(client.get(url), 400)
    assert "NUL" in body["detail"]
