"""GET /api/v1/events/facets: counts agree with the filtered list."""

import pytest


def facets(client, query=""):
    response = client.get(f"/api/v1/events/facets?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_facets_of_everything(client):
    body = facets(client)
    assert body["total"] == 6
    assert body["facets"]["year"] == [
        # A string, like every other facet's value.
        {"value": "2021", "label": "2021", "count": 5},
        {"value": "2020", "label": "2020", "count": 1},
    ]
    assert {"value": "statement", "label": "Statement", "count": 4} in body["facets"]["type"]
    assert {"value": "FR", "label": "France", "count": 4} in body["facets"]["country"]
    # Alpha Ministry has two roles in two events: counted once per event.
    assert {"value": "alpha-ministry", "label": "Alpha Ministry", "count": 2} in (
        body["facets"]["actor"]
    )
    assert [v["value"] for v in body["facets"]["tag"]] == ["privacy", "surveillance"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "type=statement",
        "q=plan",
        "year=2021&tag=privacy",
        "country=FR",
        "q=plan%20OR%20forum&from=2021-06",
    ],
)
def test_every_count_equals_the_total_with_that_facet_set_to_that_value(client, query):
    from urllib.parse import parse_qsl, urlencode

    body = facets(client, query)
    listed = client.get(f"/api/v1/events?{query}").get_json()
    assert body["total"] == listed["total"]
    for name, values in body["facets"].items():
        others = [(k, v) for k, v in parse_qsl(query) if k != name]
        for value in values:
            narrowed = client.get(
                "/api/v1/events?" + urlencode([*others, (name, value["value"])])
            ).get_json()
            assert narrowed["total"] == value["count"], (name, value)


def test_a_selected_facet_keeps_its_other_values(client):
    body = facets(client, "tag=privacy")
    assert {v["value"] for v in body["facets"]["tag"]} == {"privacy", "surveillance"}
    assert body["total"] == 2


def test_facets_sorted_by_count(client):
    for values in facets(client)["facets"].values():
        counts = [v["count"] for v in values]
        assert counts == sorted(counts, reverse=True)


def test_facets_reject_paging_parameters(client):
    response = client.get("/api/v1/events/facets?limit=5")
    assert response.status_code == 422


def test_facets_search_errors_are_400(client):
    assert client.get('/api/v1/events/facets?q="x').status_code == 400


def test_empty_filter_gives_empty_facets_except_its_own(client):
    body = facets(client, "year=1990")
    assert body["total"] == 0
    assert [v["value"] for v in body["facets"]["year"]] == ["2021", "2020", "1990"]
    assert body["facets"]["year"][-1]["count"] == 0  # selected, so still listed
    assert all(values == [] for name, values in body["facets"].items() if name != "year")


@pytest.mark.parametrize(
    ("query", "facet", "value", "label"),
    [
        ("type=law&year=2020", "type", "law", "Law"),
        ("type=law&year=2020", "year", "2020", "2020"),
        ("tag=unused-tag", "tag", "unused-tag", "Unused"),
        ("actor=world-forum&year=2021", "actor", "world-forum", None),
        ("country=JP", "country", "JP", "Japan"),
    ],
)
def test_a_selected_value_with_no_events_is_kept_with_count_0(client, query, facet, value, label):
    """A filter UI shows what is ticked, so it can be unticked, without adding it back."""
    values = {v["value"]: v for v in facets(client, query)["facets"][facet]}
    assert values[value]["count"] == 0
    if label:
        assert values[value]["label"] == label


def test_facet_size_keeps_a_selected_value_outside_the_top(client):
    everything = facets(client, "facet_size=1")
    last_tag = client.get("/api/v1/events/facets").get_json()["facets"]["tag"][-1]["value"]
    assert [v["value"] for v in everything["facets"]["tag"]] != [last_tag]
    body = facets(client, f"facet_size=1&tag={last_tag}")
    assert last_tag in [v["value"] for v in body["facets"]["tag"]]
    assert len(body["facets"]["tag"]) == 2
    listed = {v["value"] for v in body["facets"]["tag"]}
    all_tags = client.get(f"/api/v1/events/facets?tag={last_tag}").get_json()["facets"]["tag"]
    assert body["others"]["tag"]["values"] == len([v for v in all_tags if v["value"] not in listed])
