"""What sources, actors and tags share (api/catalogue.py): bounded answers at any size."""

import pytest
import yaml

from timeline_api.api.catalogue import PREVIEW_EVENTS
from timeline_api.seeds import load_seeds

EXTRA_EVENTS = 2 * PREVIEW_EVENTS + 3  # more than one preview, more than one page of 20


def _add_events(seeds, count: int) -> list[str]:
    """`count` more events, each with ann-example, the privacy tag and gazette-one."""
    slugs = []
    for number in range(count):
        slug = f"extra-event-{number:03d}"
        event = {
            "slug": slug,
            "title": f"Extra event {number}",
            "summary": "An event added so that one actor, tag and source have many.",
            "date": f"20{10 + number % 10}-0{1 + number % 9}-1{number % 10}",
            "date_precision": "day",
            "date_note": "Test fixture.",
            "event_type": "statement",
            "country": "FR",
            "actors": [{"actor": "ann-example", "role": "speaker"}],
            "tags": ["privacy"],
            "citations": [{"source": "gazette-one", "quotes": ["Alpha announces a plan"]}],
        }
        (seeds / "events" / f"{slug}.yaml").write_text(yaml.safe_dump(event), encoding="utf-8")
        slugs.append(slug)
    return slugs


@pytest.mark.parametrize(
    ("path", "events_url"),
    [
        ("/api/v1/actors/ann-example", "/api/v1/events?actor=ann-example"),
        ("/api/v1/tags/privacy", "/api/v1/events?tag=privacy"),
        ("/api/v1/sources/gazette-one", "/api/v1/events?source=gazette-one"),
    ],
)
def test_a_detail_embeds_a_bounded_preview_and_links_to_every_event(
    client, seeds_copy, path, events_url
):
    before = client.get(path).get_json()["event_count"]
    added = _add_events(seeds_copy, EXTRA_EVENTS)
    load_seeds(seeds_copy)

    detail = client.get(path).get_json()
    assert detail["event_count"] == before + EXTRA_EVENTS > PREVIEW_EVENTS
    assert len(detail["events"]) == PREVIEW_EVENTS
    assert detail["events_url"] == "http://localhost" + events_url

    # Following events_url (and its next links) gives every counted event, once each,
    # and begins with the preview, summary for summary.
    listed, url = [], detail["events_url"]
    while url:
        page = client.get(url).get_json()
        assert page["total"] == detail["event_count"]
        listed += page["items"]
        url = page["links"].get("next")
    assert len(listed) == len({e["slug"] for e in listed}) == detail["event_count"]
    assert set(added) <= {e["slug"] for e in listed}
    assert listed[:PREVIEW_EVENTS] == detail["events"]

    # The list item carries the same count and link, and no event at all.
    catalogue, slug = path.rsplit("/", 1)
    items = client.get(f"{catalogue}?limit=100").get_json()["items"]
    item = next(entry for entry in items if entry["slug"] == slug)
    assert item["event_count"] == detail["event_count"]
    assert item["events_url"] == detail["events_url"]
    assert "events" not in item and "event_slugs" not in item


def test_an_event_counts_once_for_an_actor_with_two_roles(client, seeds_copy):
    event_file = seeds_copy / "events" / "same-day-a.yaml"
    event = yaml.safe_load(event_file.read_text(encoding="utf-8"))
    event["actors"].append({"actor": "ann-example", "role": "spokesperson"})
    event_file.write_text(yaml.safe_dump(event), encoding="utf-8")
    load_seeds(seeds_copy)
    actor = client.get("/api/v1/actors/ann-example").get_json()
    listed = client.get(actor["events_url"]).get_json()
    assert actor["event_count"] == listed["total"] == 4
    assert [e["slug"] for e in actor["events"]] == [e["slug"] for e in listed["items"]]
