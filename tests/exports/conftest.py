"""Hand-built event dicts, shaped like `event_summaries` output, and an export context.

Plain functions (`sample_events`, `sample_context`) back the fixtures so a subprocess can
build the same input when a test checks output across interpreter runs.
"""

import datetime as dt

import pytest

from timeline_api.exports import ExportContext

BASE_URL = "http://127.0.0.1:8000"
UNICODE_TITLE = "Zürich — “quotes” & <tags>"
TRICKY_SUMMARY = 'The "Clean Network" programme, announced\nin August; <b>bold</b> claims.'

SOURCES = {
    "wire-2020-03-dialogue": {
        "slug": "wire-2020-03-dialogue",
        "publisher": "Xinhua",
        "headline": "Diplomat calls for an end to surveillance",
        "published": "2020-03-06",
        "published_precision": "day",
        "url": None,
        "api_url": "/api/v1/sources/wire-2020-03-dialogue",
    },
    "radio-2020-09-clean-network": {
        "slug": "radio-2020-09-clean-network",
        "publisher": "Voice of America",
        "headline": "China answers the Clean Network",
        "published": "2020-09",
        "published_precision": "month",
        "url": "https://example.org/articles/clean-network?a=1&b=2",
        "api_url": "/api/v1/sources/radio-2020-09-clean-network",
    },
    "nzz-2021-zurich": {
        "slug": "nzz-2021-zurich",
        "publisher": "Neue Zürcher Zeitung",
        "headline": "Datenhoheit: „Zürich“ & <Genf>",
        "published": None,
        "published_precision": None,
        "url": None,
        "api_url": "/api/v1/sources/nzz-2021-zurich",
    },
}


def actor(slug: str, name: str, actor_type: str, country: str | None, *roles: str) -> dict:
    return {
        "slug": slug,
        "url": f"{BASE_URL}/api/v1/actors/{slug}",
        "name": name,
        "actor_type": actor_type,
        "country": country,
        "roles": list(roles),
    }


def tag(slug: str) -> dict:
    name = slug.replace("-", " ").capitalize()
    return {"slug": slug, "name": name, "url": f"{BASE_URL}/api/v1/tags/{slug}"}


def source_ref(slug: str) -> dict:
    known = SOURCES.get(slug, {})
    return {
        "slug": slug,
        "url": f"{BASE_URL}/api/v1/sources/{slug}",
        "publisher": known.get("publisher"),
        "headline": known.get("headline"),
        "published": known.get("published"),
    }


def place(name, country, latitude, longitude, gazetteer_id, geo_precision="city") -> dict:
    """A place object as the API gives it."""
    return {
        "name": name,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        "gazetteer_id": gazetteer_id,
        "geo_precision": geo_precision,
    }


GENEVA = place("Geneva", "CH", 46.20222, 6.14569, 2660646)
ZURICH = place("Zürich", "CH", 47.36667, 8.55, 2657896)
UNITED_STATES = place("United States", "US", 38.89511, -77.03637, 6252001, "country")


def event(slug: str, date: str, precision: str, start: dt.date, end: dt.date, **fields) -> dict:
    """An event as `event_summaries` shapes it; tags and sources may be given as slugs."""
    fields["tags"] = [tag(t) for t in fields.get("tags", [])]
    fields["sources"] = [source_ref(s) for s in fields.get("sources", [])]
    return {
        "slug": slug,
        "url": f"{BASE_URL}/api/v1/events/{slug}",
        "title": f"Title of {slug}",
        "summary": f"Summary of {slug}.",
        "date": date,
        "date_precision": precision,
        "date_start": start,
        "date_end": end,
        "date_note": None,
        "event_type": "statement",
        "place": None,
        "country": None,
        "actors": [],
        **fields,
    }


def sample_events() -> list[dict]:
    """Four events in date order: day, month, day (non-ASCII), year (a law, no place)."""
    return [
        event(
            "un-privacy-dialogue",
            "2020-03-05",
            "day",
            dt.date(2020, 3, 5),
            dt.date(2020, 3, 5),
            event_type="meeting",
            place=GENEVA,
            country="CH",
            date_note='Dated "on Thursday"; 5 March 2020 was a Thursday.',
            tags=["privacy", "surveillance"],
            actors=[
                actor("liu-hua", "Liu Hua", "person", "CN", "speaker", "participant"),
                actor(
                    "hrc", "Human Rights Council", "international_organisation", None, "organiser"
                ),
            ],
            sources=["wire-2020-03-dialogue"],
        ),
        event(
            "clean-network-programme",
            "2020-08",
            "month",
            dt.date(2020, 8, 1),
            dt.date(2020, 8, 31),
            event_type="programme",
            place=UNITED_STATES,
            country="US",
            summary=TRICKY_SUMMARY,
            tags=["data-security"],
            actors=[
                actor(
                    "us-state-department",
                    "US Department of State",
                    "government_body",
                    "US",
                    "issuer",
                ),
                actor("huawei", "Huawei", "company", "CN", "target"),
            ],
            sources=["radio-2020-09-clean-network", "wire-2020-03-dialogue"],
        ),
        event(
            "zurich-data-forum",
            "2021-06-01",
            "day",
            dt.date(2021, 6, 1),
            dt.date(2021, 6, 1),
            title=UNICODE_TITLE,
            summary="Über <script>alert(1)</script> & “sovereignty”.",
            place=ZURICH,
            country="CH",
            tags=["privacy"],
            sources=["nzz-2021-zurich"],
        ),
        event(
            "reported-us-order",
            "2024",
            "year",
            dt.date(2024, 1, 1),
            dt.date(2024, 12, 31),
            event_type="law",
            actors=[
                actor("united-states", "United States", "state", "US", "issuer"),
                actor("china", "China", "state", "CN", "target"),
            ],
            sources=["radio-2020-09-clean-network"],
        ),
    ]


def sample_context() -> ExportContext:
    return ExportContext(
        title="Data-sovereignty timeline",
        base_url=BASE_URL,
        self_url=BASE_URL + "/api/v1/events.ics?year=2020&tag=privacy",
        updated=dt.datetime(2024, 3, 1, 12, 30, 15),
        sources=SOURCES,
    )


@pytest.fixture
def events() -> list[dict]:
    return sample_events()


@pytest.fixture
def context() -> ExportContext:
    return sample_context()


@pytest.fixture
def by_slug(events) -> dict[str, dict]:
    return {e["slug"]: e for e in events}
