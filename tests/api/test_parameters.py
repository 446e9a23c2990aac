"""One set of query-parameter rules for every endpoint (timeline_api/api QueryParser)."""

import pytest

DETAILS = [
    "/api/v1/events/alpha-plan",
    "/api/v1/actors/alpha-ministry",
    "/api/v1/tags/privacy",
    "/api/v1/sources/gazette-one",
]
LISTS = ["/api/v1/events", "/api/v1/actors", "/api/v1/tags", "/api/v1/sources"]
EVERY_ENDPOINT = [
    *LISTS,
    *DETAILS,
    "/api/v1/events/facets",
    "/api/v1/events.csv",
    "/api/v1/events/alpha-plan.ics",
    "/api/v1/datapackage.json",
    "/api/v1/datapackage/tags.csv",
    "/api/v1/dataset",
    "/api/v1/releases/1",
    "/api/v1/events/alpha-plan/history",
    "/api/v1/tags/privacy/history",
    "/healthz",
    "/readyz",
]


@pytest.mark.parametrize(
    "query",
    ["year=", "limit=", "sort=", "type=", "format=", "from=", "tag=", "country=", "q=", "cursor="],
)
def test_an_empty_parameter_counts_as_absent(client, query):
    plain = client.get("/api/v1/events")
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["total"] == plain.get_json()["total"]
    assert [e["slug"] for e in response.get_json()["items"]] == [
        e["slug"] for e in plain.get_json()["items"]
    ]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/events/facets?year=&type=", "/api/v1/events.csv?sort=&year=", "/api/v1/tags?limit="],
)
def test_empty_parameters_are_absent_on_every_endpoint(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", EVERY_ENDPOINT)
def test_an_unknown_parameter_is_a_422_everywhere(client, url):
    response = client.get(url + "?colour=red")
    assert response.status_code == 422, url
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["invalid_params"] == [
        {"name": "colour", "in": "query", "reason": "Unknown parameter."}
    ]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/events?limit=5&limit=6", "limit"),
        ("/api/v1/events?sort=date&sort=-date", "sort"),
        ("/api/v1/events?q=plan&q=forum", "q"),
        ("/api/v1/events?from=2020&from=2021", "from"),
        ("/api/v1/events/facets?to=2020&to=2021", "to"),
        ("/api/v1/events.csv?sort=date&sort=-date", "sort"),
        ("/api/v1/tags?limit=1&limit=2", "limit"),
    ],
)
def test_a_repeated_single_valued_parameter_is_a_422(client, url, name):
    response = client.get(url)
    assert response.status_code == 422
    assert [p["name"] for p in response.get_json()["invalid_params"]] == [name]
    assert "more than once" in response.get_json()["detail"]


def test_repeating_a_filter_still_means_any_of_its_values(client):
    assert client.get("/api/v1/events?year=2020&year=2021").status_code == 200


def test_one_value_and_one_empty_is_one_value(client):
    assert client.get("/api/v1/events?limit=2&limit=").get_json()["limit"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events.csv?limit=2",
        "/api/v1/events?format=csv&limit=2",
        "/api/v1/events?format=ics&cursor=abc",
    ],
)
def test_an_export_rejects_paging_however_it_is_asked_for(client, url):
    response = client.get(url)
    assert response.status_code == 422
    names = {p["name"] for p in response.get_json()["invalid_params"]}
    assert names & {"limit", "cursor"}


def test_an_export_by_accept_ignores_no_limit_silently(client):
    response = client.get("/api/v1/events?limit=2", headers={"Accept": "text/csv"})
    assert response.status_code == 422


@pytest.mark.parametrize("url", [*DETAILS[1:], *LISTS[1:], "/api/v1/events/facets", "/readyz"])
def test_a_json_only_endpoint_answers_406_to_an_accept_it_cannot_serve(client, url):
    response = client.get(url, headers={"Accept": "text/csv"})
    assert response.status_code == 406, url
    assert response.mimetype == "application/problem+json"
    assert "application/json" in response.get_json()["detail"]


@pytest.mark.parametrize("accept", ["*/*", "application/json", "text/html,*/*;q=0.8"])
def test_json_only_endpoints_still_answer_browsers_and_wildcards(client, accept):
    for url in DETAILS:
        assert client.get(url, headers={"Accept": accept}).status_code == 200


@pytest.mark.parametrize(
    ("url", "accept", "served"),
    [
        ("/api/v1/events/alpha-plan", "text/csv", "text/csv"),
        ("/api/v1/events/alpha-plan", "text/calendar", "text/calendar"),
        ("/api/v1/datapackage/tags.csv", "text/csv", "text/csv"),
        ("/api/v1/dataset", "application/ld+json", "application/ld+json"),
        ("/api/v1/dataset", "application/json", "application/json"),
    ],
)
def test_an_endpoint_with_other_formats_serves_them_by_accept(client, url, accept, served):
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == served


@pytest.mark.parametrize(
    "url", ["/api/v1/datapackage/tags.csv", "/api/v1/datapackage.zip", "/api/v1/dataset"]
)
def test_a_file_endpoint_answers_406_to_an_accept_it_cannot_serve(client, url):
    response = client.get(url, headers={"Accept": "text/calendar"})
    assert response.status_code == 406, url
    assert response.mimetype == "application/problem+json"


def test_one_event_by_path_takes_as_of_like_the_event(client):
    response = client.get("/api/v1/events/alpha-plan.ics?as_of=1")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    late = client.get("/api/v1/events/alpha-plan.ics?as_of=99")
    assert late.status_code == 422
    assert [p["name"] for p in late.get_json()["invalid_params"]] == ["as_of"]
