"""Full-text search through GET /api/v1/events?q=: ranking, snippets, errors, unicode."""

import pytest

from tests.api.test_events import ASCENDING


def search(client, q, **params):
    response = client.get("/api/v1/events", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_search_matches_titles_summaries_quotes_actors_and_places(client):
    assert [e["slug"] for e in search(client, "rejects")["items"]] == ["beta-rejects-plan"]
    assert [e["slug"] for e in search(client, "unfair")["items"]] == ["beta-rejects-plan"]
    assert [e["slug"] for e in search(client, "Exampleville")["items"]] == ["alpha-plan"]


def test_a_source_alone_pulls_in_no_event(client):
    # The Herald's name and headline are the article's words, not the event's: search
    # them with /api/v1/sources?q=, then filter events with source=.
    assert search(client, "Herald")["items"] == []
    ann = {e["slug"] for e in search(client, '"Ann Example"')["items"]}
    assert ann == {"alpha-plan", "same-day-a", "same-day-b", "same-day-c"}


def test_results_are_ranked_by_relevance(client):
    # "privacy" is in alpha-plan's title and quote; the others mention it less or not at all.
    items = search(client, "privacy")["items"]
    assert items[0]["slug"] == "alpha-plan"
    scores = [item["score"] for item in items]
    assert scores == sorted(scores)


def test_snippets_mark_matches_and_escape_html(client):
    item = search(client, "unfair")["items"][0]
    assert "<mark>unfair</mark>" in item["snippet"]
    assert "&quot;" in item["snippet"] or "&#x27;" in item["snippet"] or '"' not in item["snippet"]
    plain = client.get("/api/v1/events").get_json()["items"][0]
    assert plain["snippet"] is None and plain["score"] is None


def test_search_combines_with_filters_and_date_sort(client):
    body = search(client, "plan", sort="-date", type="statement")
    # The same-day events quote the headline "Alpha announces a plan".
    assert [e["slug"] for e in body["items"]] == [
        "beta-rejects-plan",
        "same-day-c",
        "same-day-b",
        "same-day-a",
    ]
    # Every event cites the gazette, whose headline says "announces", but only those whose
    # own words say it (or "rejects") match: not the forum meeting.
    body = search(client, "announces OR rejects", sort="date")
    assert [e["slug"] for e in body["items"]] == [s for s in ASCENDING if s != "forum-meeting"]


def test_relevance_pages_walk_the_whole_result(client):
    everything = [e["slug"] for e in search(client, "plan OR forum", limit=100)["items"]]
    seen, url = [], "/api/v1/events?q=plan%20OR%20forum&limit=2"
    while url:
        body = client.get(url).get_json()
        seen += [e["slug"] for e in body["items"]]
        url = body["links"]["next"]
    assert seen == everything and len(seen) == body["total"]


def test_prefix_and_exclusion(client):
    assert {e["slug"] for e in search(client, "surveil*")["items"]} == {
        "forum-meeting",
        "beta-rejects-plan",
    } or search(client, "surveil*")["total"] >= 1
    assert "beta-rejects-plan" not in {e["slug"] for e in search(client, "plan -unfair")["items"]}


@pytest.mark.parametrize("q", ["Zürich", "数据", "🙂 privacy", "privacy\u200b", "ÅNN"])
def test_unicode_queries_do_not_fail(client, q):
    response = client.get("/api/v1/events", query_string={"q": q})
    assert response.status_code in (200, 400)
    assert response.mimetype in ("application/json", "application/problem+json")


def test_diacritics_are_folded(client):
    assert search(client, "privácy")["total"] == search(client, "privacy")["total"] > 0


@pytest.mark.parametrize("q", ['"open', "OR x", "x OR", "*", "-x", '""', "a *b"])
def test_syntax_errors_are_400_problems_naming_q(client, q):
    response = client.get("/api/v1/events", query_string={"q": q})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    (param,) = response.get_json()["invalid_params"]
    assert param["name"] == "q" and param["reason"]


@pytest.mark.parametrize(
    "q", ["title:privacy", "NEAR(a b)", "a AND b", "x^2", "'; DROP TABLE event"]
)
def test_engine_syntax_is_not_interpreted(client, q):
    response = client.get("/api/v1/events", query_string={"q": q})
    assert response.status_code == 200


def test_relevance_without_q_is_date_order(client):
    from tests.api.test_events import slugs

    assert slugs(client.get("/api/v1/events?sort=relevance")) == ASCENDING


def test_too_long_query_is_422(client):
    response = client.get("/api/v1/events", query_string={"q": "a" * 501})
    assert response.status_code == 422


def test_reloading_changed_seeds_reindexes(client, seeds_copy):
    import yaml

    from timeline_api.seeds import load_seeds

    path = seeds_copy / "events" / "alpha-plan.yaml"
    data = yaml.safe_load(path.read_text())
    data["title"] = "Alpha Ministry announces a zeppelin plan"
    path.write_text(yaml.safe_dump(data))
    load_seeds(seeds_copy)
    assert [e["slug"] for e in search(client, "zeppelin")["items"]] == ["alpha-plan"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"type": "statement"},
        {"year": "2021"},
        {"from": "2021-05", "to": "2021-12"},
        {"tag": "privacy"},
        {"actor": "ann-example"},
        {"country": "FR"},
        {"source": "herald-two"},
    ],
)
@pytest.mark.parametrize("q", ["plan", "plan OR forum", "announces -rejects", "pla*"])
def test_total_is_the_number_of_matches_under_every_filter(client, q, filters):
    """With words alone the index counts its own matches; with other filters the events
    are counted: both must equal the items a client can page through, list and facets."""
    body = search(client, q, limit=100, **filters)
    assert body["total"] == len(body["items"])
    facets = client.get("/api/v1/events/facets", query_string={"q": q, **filters}).get_json()
    assert facets["total"] == body["total"]
