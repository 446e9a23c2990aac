"""schema.org JSON-LD: Event and Legislation nodes citing each NewsArticle once, by @id."""

import json
from collections import Counter

from timeline_api.exports import jsonld


def graph(body: bytes) -> list[dict]:
    document = json.loads(body.decode("utf-8"))
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def walk(value):
    """Every dict nested anywhere in `value`."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def nodes_by_slug(body: bytes) -> dict[str, dict]:
    return {n["identifier"]: n for n in graph(body) if "identifier" in n}


def test_expected_types(events, context):
    nodes = graph(jsonld.render(events, context))
    assert [n["@type"] for n in nodes] == ["Event"] * 3 + ["Legislation"] + ["NewsArticle"] * 3
    types = {node.get("@type") for node in walk(nodes)}
    assert {"Event", "Legislation", "NewsArticle", "Place", "PostalAddress"} <= types
    assert {"Person", "Organization", "GovernmentOrganization", "Country", "Corporation"} <= types


def test_every_id_is_absolute(events, context):
    ids = [node["@id"] for node in walk(graph(jsonld.render(events, context))) if "@id" in node]
    assert ids and all(i.startswith("http://127.0.0.1:8000/api/v1/") for i in ids)


def test_each_article_appears_once_and_every_reference_resolves(events, context):
    nodes = graph(jsonld.render(events, context))
    articles = [n for n in nodes if n["@type"] == "NewsArticle"]
    assert Counter(a["@id"] for a in articles) == Counter(
        f"http://127.0.0.1:8000/api/v1/sources/{slug}"
        for slug in ("wire-2020-03-dialogue", "radio-2020-09-clean-network", "nzz-2021-zurich")
    )
    known = {a["@id"] for a in articles}
    references = [ref["@id"] for n in nodes if "subjectOf" in n for ref in n["subjectOf"]]
    assert len(references) == 5 and set(references) == known
    radio = next(a for a in articles if a["@id"].endswith("radio-2020-09-clean-network"))
    assert radio["publisher"] == {"@type": "Organization", "name": "Voice of America"}
    assert radio["datePublished"] == "2020-09"
    assert radio["url"] == "https://example.org/articles/clean-network?a=1&b=2"
    nzz = next(a for a in articles if a["@id"].endswith("nzz-2021-zurich"))
    assert "datePublished" not in nzz and "url" not in nzz


def test_dates_keep_their_precision(events, context):
    nodes = nodes_by_slug(jsonld.render(events, context))
    assert nodes["un-privacy-dialogue"]["startDate"] == "2020-03-05"
    assert nodes["clean-network-programme"]["startDate"] == "2020-08"
    law = nodes["reported-us-order"]
    assert law["legislationDate"] == "2024"
    assert not {"startDate", "endDate"} & set(law)
    assert all("endDate" not in n for n in nodes.values())


def test_event_fields(events, context):
    nodes = nodes_by_slug(jsonld.render(events, context))
    dialogue = nodes["un-privacy-dialogue"]
    assert (
        dialogue["@id"]
        == dialogue["url"]
        == ("http://127.0.0.1:8000/api/v1/events/un-privacy-dialogue")
    )
    assert dialogue["location"] == {
        "@type": "Place",
        "name": "Geneva",
        "geo": {"@type": "GeoCoordinates", "latitude": 46.20222, "longitude": 6.14569},
        "sameAs": "https://www.geonames.org/2660646",
        "address": {"@type": "PostalAddress", "addressCountry": "CH"},
    }
    assert dialogue["about"] == [
        # The tag's name, not its slug again.
        {"@type": "DefinedTerm", "termCode": "privacy", "name": "Privacy"},
        {"@type": "DefinedTerm", "termCode": "surveillance", "name": "Surveillance"},
    ]
    assert dialogue["performer"] == [{"@type": "Person", "name": "Liu Hua"}]
    assert dialogue["attendee"] == [{"@type": "Person", "name": "Liu Hua"}]
    assert dialogue["organizer"] == [{"@type": "Organization", "name": "Human Rights Council"}]
    network = nodes["clean-network-programme"]
    # Known only by its country: the country's point, named after the country.
    assert network["location"] == {
        "@type": "Place",
        "name": "United States",
        "geo": {"@type": "GeoCoordinates", "latitude": 38.89511, "longitude": -77.03637},
        "sameAs": "https://www.geonames.org/6252001",
        "address": {"@type": "PostalAddress", "addressCountry": "US"},
    }
    assert {"@type": "Corporation", "name": "Huawei"} in network["about"]


def test_law_without_place_or_country(events, context):
    law = nodes_by_slug(jsonld.render(events, context))["reported-us-order"]
    assert "location" not in law and "locationCreated" not in law
    assert law["legislationPassedBy"] == [{"@type": "Country", "name": "United States"}]
    assert law["mentions"] == [{"@type": "Country", "name": "China"}]


def test_event_without_sources_has_no_subject_of(by_slug, context):
    event = {**by_slug["reported-us-order"], "sources": []}
    assert "subjectOf" not in graph(jsonld.render([event], context))[0]


def test_non_ascii_survives(by_slug, context):
    body = jsonld.render([by_slug["zurich-data-forum"]], context)
    assert "Zürich".encode() in body
    node = graph(body)[0]
    assert node["name"] == "Zürich — “quotes” & <tags>"
    assert node["location"]["name"] == "Zürich"


def test_empty_list_gives_an_empty_graph(context):
    assert graph(jsonld.render([], context)) == []
