"""vis-timeline items and groups (rendered by the real vis-timeline in tests/e2e)."""

import json

from timeline_api.exports import vistimeline


def test_items_and_groups(events, context):
    document = json.loads(vistimeline.render(events, context))
    assert set(document) == {"items", "groups"}
    assert [item["id"] for item in document["items"]] == [event["slug"] for event in events]
    assert document["groups"] == [
        {"id": "law", "content": "Law"},
        {"id": "meeting", "content": "Meeting"},
        {"id": "programme", "content": "Programme"},
        {"id": "statement", "content": "Statement"},
    ]
    assert {item["group"] for item in document["items"]} <= {g["id"] for g in document["groups"]}


def test_day_is_a_point_month_and_year_are_spans(events, context):
    items = {i["id"]: i for i in json.loads(vistimeline.render(events, context))["items"]}
    dialogue = items["un-privacy-dialogue"]
    assert (dialogue["type"], dialogue["start"], "end" in dialogue) == (
        "point",
        "2020-03-05",
        False,
    )
    network = items["clean-network-programme"]
    # The whole of August: vis reads `end` as an instant, the start of 1 September.
    assert (network["type"], network["start"], network["end"]) == (
        "range",
        "2020-08-01",
        "2020-09-01",
    )
    law = items["reported-us-order"]
    assert (law["start"], law["end"], law["className"]) == (
        "2024-01-01",
        "2025-01-01",
        "precision-year",
    )
    assert network["title"].startswith("August 2020: ")


def test_html_is_escaped(by_slug, context):
    document = json.loads(vistimeline.render([by_slug["zurich-data-forum"]], context))
    item = document["items"][0]
    assert "<tags>" not in item["content"] and "&lt;tags&gt;" in item["content"]
    assert "<script>" not in item["title"]
