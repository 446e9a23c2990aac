"""TimelineJS3 JSON: the documented structure, dates only as precise as known, escaped HTML."""

import json
import xml.etree.ElementTree as ET

from tests.exports.conftest import TRICKY_SUMMARY, UNICODE_TITLE
from timeline_api.exports import timelinejs


def parse(body: bytes) -> dict:
    return json.loads(body.decode("utf-8"))


def html_text(fragment: str) -> str:
    """The text of an HTML fragment, parsed strictly: escaping mistakes fail to parse."""
    return "".join(ET.fromstring(f"<div>{fragment}</div>").itertext())


def test_document_has_title_slide_and_one_slide_per_event(events, context):
    document = parse(timelinejs.render(events, context))
    assert set(document) == {"title", "events"}
    assert "start_date" not in document["title"]
    assert document["title"]["text"]["headline"] == "Data-sovereignty timeline"
    assert "4 events" in document["title"]["text"]["text"]
    assert [s["unique_id"] for s in document["events"]] == [e["slug"] for e in events]
    for slide in document["events"]:
        assert {"start_date", "text", "group", "display_date", "unique_id"} <= set(slide)
        assert set(slide["text"]) == {"headline", "text"} and slide["text"]["headline"]


def test_start_date_has_exactly_the_known_parts_as_integers(events, context):
    slides = {s["unique_id"]: s for s in parse(timelinejs.render(events, context))["events"]}
    assert slides["un-privacy-dialogue"]["start_date"] == {"year": 2020, "month": 3, "day": 5}
    assert slides["clean-network-programme"]["start_date"] == {"year": 2020, "month": 8}
    assert slides["reported-us-order"]["start_date"] == {"year": 2024}
    for slide in slides.values():
        assert all(type(value) is int for value in slide["start_date"].values())
        assert "end_date" not in slide
    assert slides["un-privacy-dialogue"]["display_date"] == "5 March 2020"
    assert slides["clean-network-programme"]["display_date"] == "August 2020"
    assert slides["reported-us-order"]["display_date"] == "2024"


def test_unique_ids_are_unique_and_groups_are_type_labels(events, context):
    slides = parse(timelinejs.render(events, context))["events"]
    assert len({s["unique_id"] for s in slides}) == len(slides)
    assert [s["group"] for s in slides] == ["Meeting", "Programme", "Statement", "Law"]


def test_html_is_escaped_and_non_ascii_survives(by_slug, context):
    body = timelinejs.render([by_slug["zurich-data-forum"]], context)
    assert "Zürich".encode() in body  # raw UTF-8, not \u escapes
    text = parse(body)["events"][0]["text"]
    assert text["headline"] == "Zürich — “quotes” &amp; &lt;tags&gt;"
    assert html_text(text["headline"]) == UNICODE_TITLE
    assert "<script>" not in text["text"]
    body_text = html_text(text["text"])
    assert "Über <script>alert(1)</script> & “sovereignty”." in body_text
    assert "Neue Zürcher Zeitung: Datenhoheit: „Zürich“ & <Genf>" in body_text


def test_text_has_summary_precision_and_sources(by_slug, context):
    slide = parse(timelinejs.render([by_slug["clean-network-programme"]], context))["events"][0]
    fragment = slide["text"]["text"]
    text = html_text(fragment)
    assert TRICKY_SUMMARY in text
    assert "Date known only to the month (2020-08)." in text
    assert "Voice of America: China answers the Clean Network (2020-09)" in text
    assert "Xinhua: Diplomat calls for an end to surveillance (2020-03-06)" in text
    links = [a.get("href") for a in ET.fromstring(f"<div>{fragment}</div>").iter("a")]
    assert links == [
        "https://example.org/articles/clean-network?a=1&b=2",
        "http://127.0.0.1:8000/api/v1/sources/wire-2020-03-dialogue",
    ]


def test_empty_list_gives_a_title_and_no_events(context):
    document = parse(timelinejs.render([], context))
    assert document["events"] == []
    assert "0 events" in document["title"]["text"]["text"]
