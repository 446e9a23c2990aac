"""GET /api/v1/events and /api/v1/events/{slug}, against the fixture seeds."""

import logging

import pytest

from timeline_api.api.events import filters, representation
from timeline_api.seeds import load_seeds

ASCENDING = [
    "forum-meeting",
    "alpha-plan",
    "same-day-a",
    "same-day-b",
    "same-day-c",
    "beta-rejects-plan",
]


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.get_json()["items"]]


def test_list_sorted_by_date_with_slug_tie_break(client):
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    body = response.get_json()
    assert slugs(response) == ASCENDING
    assert body["total"] == 6
    assert body["next_cursor"] is None and body["prev_cursor"] is None


def test_descending_sort_reverses_the_order(client):
    assert slugs(client.get("/api/v1/events?sort=-date")) == ASCENDING[::-1]


def test_summary_fields(client):
    item = client.get("/api/v1/events?limit=2").get_json()["items"][1]
    assert item["slug"] == "alpha-plan"
    # Every url is absolute, like the links; every embedded object has one.
    assert item["url"] == "http://localhost/api/v1/events/alpha-plan"
    assert item["date"] == "2021-05-02" and item["date_precision"] == "day"
    assert item["tags"] == [
        {"slug": "privacy", "name": "Privacy", "url": "http://localhost/api/v1/tags/privacy"}
    ]
    assert item["sources"] == [
        {
            "slug": "gazette-one",
            "url": "http://localhost/api/v1/sources/gazette-one",
            "publisher": "The Example Gazette",
            "headline": item["sources"][0]["headline"],
            "published": item["sources"][0]["published"],
        }
    ]
    assert item["sources"][0]["headline"]
    assert item["actors"][0] == {
        "slug": "alpha-ministry",
        "url": "http://localhost/api/v1/actors/alpha-ministry",
        "name": "Alpha Ministry",
        "actor_type": "government_body",
        "country": "FR",
        "roles": ["announcer"],
    }
    assert item["score"] is None and item["snippet"] is None


def test_an_actor_with_two_roles_is_one_entry_with_both(client):
    event = client.get("/api/v1/events/beta-rejects-plan").get_json()
    assert [(a["slug"], a["roles"]) for a in event["actors"]] == [
        ("beta-state", ["speaker"]),
        ("alpha-ministry", ["target", "addressee"]),
    ]
    listed = client.get("/api/v1/events?tag=surveillance").get_json()["items"]
    assert [a["slug"] for a in listed[-1]["actors"]] == ["beta-state", "alpha-ministry"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2020", ["forum-meeting"]),
        ("year=2020&year=2021", ASCENDING),
        ("type=statement", ["same-day-a", "same-day-b", "same-day-c", "beta-rejects-plan"]),
        ("type=meeting&type=programme", ["forum-meeting", "alpha-plan"]),
        ("tag=surveillance", ["forum-meeting", "beta-rejects-plan"]),
        ("tag=privacy&tag=surveillance", ["forum-meeting", "alpha-plan", "beta-rejects-plan"]),
        ("tag=privacy&type=statement", ["beta-rejects-plan"]),
        ("actor=alpha-ministry", ["alpha-plan", "beta-rejects-plan"]),
        ("country=de", ["beta-rejects-plan"]),
        ("source=herald-two", ["beta-rejects-plan"]),
        ("source=unused-source", []),
        ("tag=unknown-tag", []),
        # Partial dates overlap: "2021-06" (the whole month) is on or after 2021-06-15.
        ("from=2021-06-15", ["beta-rejects-plan"]),
        ("from=2021-05-03", ["beta-rejects-plan"]),
        ("to=2020-12-31", ["forum-meeting"]),
        ("from=2021&to=2021-05", ["alpha-plan", "same-day-a", "same-day-b", "same-day-c"]),
        ("from=2020-06&to=2020-06", ["forum-meeting"]),
        # "2020" is a leap year, its first day 365 days before its last: the lower bound
        # put on date_start for the index (dates.earliest_start_ending_from) keeps it.
        ("from=2020-12-31", ASCENDING),
        ("from=2020-12-31&to=2020-12-31", ["forum-meeting"]),
        ("from=2021-01-01&to=2021-01-01", []),
        ("year=2020&type=meeting", ["forum-meeting"]),
    ],
)
def test_filters(client, query, expected):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 200, response.get_json()
    assert slugs(response) == expected
    assert response.get_json()["total"] == len(expected)


def test_cursor_pagination_walks_forward_and_back(client):
    seen, url, pages = [], "/api/v1/events?limit=2", []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_json()
        assert body["total"] == 6 and body["limit"] == 2
        pages.append(body)
        seen += slugs(response)
        url = body["links"]["next"]
    assert seen == ASCENDING
    assert len(pages) == 3
    assert pages[0]["prev_cursor"] is None
    assert pages[-1]["next_cursor"] is None
    # Walk back from the last page.
    back = client.get(pages[-1]["links"]["prev"]).get_json()
    assert [item["slug"] for item in back["items"]] == ASCENDING[2:4]
    first = client.get(back["links"]["prev"]).get_json()
    assert [item["slug"] for item in first["items"]] == ASCENDING[:2]
    assert first["prev_cursor"] is None and first["next_cursor"] is not None


def test_link_header_matches_body(client):
    response = client.get("/api/v1/events?limit=2&type=statement")
    body = response.get_json()
    link = response.headers["Link"]
    assert f'<{body["links"]["next"]}>; rel="next"' in link
    assert 'rel="first"' in link and 'rel="prev"' not in link
    assert "type=statement" in body["links"]["next"]  # filters are kept
    second = client.get(body["links"]["next"])
    assert 'rel="prev"' in second.headers["Link"]


def test_descending_pagination(client):
    first = client.get("/api/v1/events?sort=-date&limit=4").get_json()
    second = client.get(first["links"]["next"]).get_json()
    assert [i["slug"] for i in first["items"] + second["items"]] == ASCENDING[::-1]


def test_empty_result_has_no_cursors(client):
    body = client.get("/api/v1/events?year=1999").get_json()
    assert body["items"] == [] and body["total"] == 0
    assert body["next_cursor"] is None and body["prev_cursor"] is None


def test_limit_equal_to_total_has_no_next_page(client):
    body = client.get("/api/v1/events?limit=6").get_json()
    assert len(body["items"]) == 6 and body["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor", ["garbage", "W10", "WyJkYXRlIiwibmV4dCIsWyJub3QtYS1kYXRlIiwieCJdXQ", "x" * 999]
)
def test_bad_cursor_is_a_400_problem(client, cursor):
    response = client.get(f"/api/v1/events?cursor={cursor}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["invalid_params"][0]["name"] == "cursor"


def test_cursor_with_characters_no_cursor_has_is_a_422(client):
    response = client.get("/api/v1/events?cursor=!!!")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "cursor"


def test_cursor_from_another_sort_is_rejected(client):
    cursor = client.get("/api/v1/events?limit=1").get_json()["next_cursor"]
    response = client.get(f"/api/v1/events?limit=1&sort=-date&cursor={cursor}")
    assert response.status_code == 400
    assert "sort" in response.get_json()["detail"]


def test_detail_has_actors_tags_citations_points_and_relations(client):
    response = client.get("/api/v1/events/alpha-plan")
    assert response.status_code == 200
    event = response.get_json()
    assert [a["roles"] for a in event["actors"]] == [["announcer"], ["spokesperson"]]
    assert [t["name"] for t in event["tags"]] == ["Privacy"]
    # No duplicate tag list, and no search fields that a detail always leaves null.
    assert not {"tag_details", "score", "snippet"} & set(event)
    (citation,) = event["citations"]
    assert citation["source"]["slug"] == "gazette-one"
    assert citation["source"]["url"] == "http://localhost/api/v1/sources/gazette-one"
    assert citation["quotes"][0].startswith("The Alpha Ministry on Sunday")
    assert event["points"] == [
        {
            "summary": "Protect data.",
            # The same brief source as a citation's.
            "source": citation["source"],
            "quote": "We will protect every citizen's data",
        }
    ]
    related = {(r["relation"], r["direction"], r["event"]["slug"]) for r in event["related"]}
    assert related == {
        ("responded_to_by", "incoming", "beta-rejects-plan"),
        ("has_context", "incoming", "forum-meeting"),
    }


def test_detail_shows_outgoing_relation(client):
    event = client.get("/api/v1/events/beta-rejects-plan").get_json()
    assert [(r["relation"], r["direction"], r["note"]) for r in event["related"]] == [
        ("responds_to", "outgoing", "Beta answers the plan.")
    ]


@pytest.mark.parametrize("slug", ["nope", "ALPHA-PLAN", "%E2%80%8B", "a" * 500])
def test_unknown_event_is_a_404_problem(client, slug):
    response = client.get(f"/api/v1/events/{slug}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


class QueryCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        if record.name == "peewee":  # SQL statements; not "peewee.pool" bookkeeping
            self.count += 1


def count_queries(client, url: str) -> int:
    logger = logging.getLogger("peewee")
    counter, level = QueryCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get(url).status_code == 200
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
    return counter.count


@pytest.mark.parametrize(
    "path", ["/api/v1/events", "/api/v1/sources", "/api/v1/actors", "/api/v1/tags"]
)
def test_list_query_count_does_not_grow_with_page_size(client, path):
    client.get(f"{path}?limit=1")  # the total is counted here, then kept (api/counts.py)
    small = count_queries(client, f"{path}?limit=2")
    large = count_queries(client, f"{path}?limit=100")
    assert small == large
    # The page, four queries for its links (tags, actors, sources; places for events), and
    # (on PostgreSQL) the data version read before and after it (the response cache keeps
    # an answer only if it did not change).
    assert large <= 7


def test_a_total_is_counted_once_per_data_version_and_filters(client, seeds_copy, database_url):
    first = count_queries(client, "/api/v1/events?limit=1&type=statement")
    # Another page size (not in the response cache), same filters: no count query (nor,
    # on PostgreSQL, the version read again to keep the count).
    counting = 1 if database_url.startswith("sqlite") else 2
    assert count_queries(client, "/api/v1/events?limit=2&type=statement") == first - counting
    assert count_queries(client, "/api/v1/events?limit=2&type=meeting") == first
    edit = seeds_copy / "events" / "forum-meeting.yaml"
    edit.unlink()
    load_seeds(seeds_copy)  # a new data version: totals are counted again
    body = client.get("/api/v1/events?limit=2&type=meeting").get_json()
    assert body["total"] == 0 and body["items"] == []


def test_summaries_and_snippets_are_fetched_in_batches_of_ids(client, monkeypatch):
    """An export lists every event; its ids go to the database a batch at a time."""
    whole = client.get("/api/v1/events?limit=100&q=plan OR forum").get_json()["items"]
    monkeypatch.setattr(representation, "ID_BATCH", 2)
    monkeypatch.setattr(filters, "ID_BATCH", 2)
    batched = client.get("/api/v1/events?limit=99&q=plan OR forum").get_json()["items"]
    assert batched == whole and len(whole) > 2
    assert all(item["snippet"] and item["actors"] for item in batched)
