"""Varied URLs: the same five requests, each time for different data.

Our API keeps a per-worker cache of rendered answers, so loading one URL over and over
measures that cache. The "varied" runs draw every request from a few thousand distinct
URLs of the same kind (deep pages, other filters, other events, other words), which
mostly miss any cache and measure the queries behind it, as a long tail of visitors would.
Datasette is asked for the same pages, filters, events and words.
"""

import base64
import json
import random
import sqlite3
from pathlib import Path

from bench.datasets import COUNTRIES, FILLER, FIRST_YEAR, LAST_YEAR
from bench.scenarios import DATASETTE_DB
from timeline_api.vocabulary import EVENT_TYPES

COUNT = 3000  # distinct URLs per request type: more than a worker's cache keeps
_SUMMARY_JSON = "_shape=objects&_json=tags&_json=actors&_json=sources"
_DETAIL_JSON = _SUMMARY_JSON + "&_json=citations&_json=points&_json=related"


def _cursor(date_start: str, slug: str) -> str:
    """Our API's cursor for "the page after this event" (checked by a pre-flight request)."""
    raw = json.dumps(["date", "next", [date_start, slug]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def varied_paths(db_path: Path, server: str) -> dict[str, list[str]]:
    """COUNT paths per request type for `server` ("ours" or "datasette"), deterministic."""
    rng = random.Random(f"varied-{db_path.name}")
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        events = db.execute("SELECT date_start, slug FROM event ORDER BY date_start, slug")
        ordered = [(str(date_start), slug) for date_start, slug in events]
    finally:
        db.close()
    words = sorted({word for word in FILLER if len(word) >= 5 and word.isalpha()})
    positions = [rng.randrange(len(ordered)) for _ in range(COUNT)]
    filters = [
        (
            rng.randint(FIRST_YEAR, LAST_YEAR),
            rng.choice(list(EVENT_TYPES)),
            rng.choice(list(COUNTRIES)),
        )
        for _ in range(COUNT)
    ]
    slugs = [rng.choice(ordered)[1] for _ in range(COUNT)]
    searches = [" ".join(rng.sample(words, 2)) for _ in range(COUNT)]
    # year x type x country: ~6,000 combinations, more than a worker's cache keeps.
    facet_filters = filters
    if server == "ours":
        return {
            "list": [
                f"/api/v1/events?limit=20&sort=date&cursor={_cursor(*ordered[p])}"
                for p in positions
            ],
            "filtered": [
                f"/api/v1/events?limit=20&sort=date&year={y}&type={t}&country={c}"
                for y, t, c in filters
            ],
            "detail": [f"/api/v1/events/{slug}" for slug in slugs],
            "search": [f"/api/v1/events?limit=20&q={q.replace(' ', '+')}" for q in searches],
            "facets": [
                f"/api/v1/events/facets?year={y}&type={t}&country={c}" for y, t, c in facet_filters
            ],
        }
    view = f"/{DATASETTE_DB}/event_summary.json"
    return {
        # A view has no primary key: Datasette pages it by offset, _next=<rows to skip>.
        "list": [
            f"{view}?_sort=date_start&_size=20&_next={p + 1}&{_SUMMARY_JSON}" for p in positions
        ],
        "filtered": [
            f"{view}?event_type={t}&country={c}&date_start__lte={y}-12-31"
            f"&date_end__gte={y}-01-01&_sort=date_start&_size=20&{_SUMMARY_JSON}"
            for y, t, c in filters
        ],
        "detail": [
            f"/{DATASETTE_DB}/event_detail.json?slug={slug}&{_DETAIL_JSON}" for slug in slugs
        ],
        "search": [
            f"{view}?_search={q.replace(' ', '+')}&_fts_table=event_search&_fts_pk=id"
            f"&_size=20&{_SUMMARY_JSON}"
            for q in searches
        ],
        "facets": [
            f"{view}?event_type={t}&country={c}&date_start__lte={y}-12-31"
            f"&date_end__gte={y}-01-01&_facet=year&_facet=event_type&_facet=country"
            "&_facet_array=tags&_facet_array=actor_slugs&_facet_size=max&_size=0"
            for y, t, c in facet_filters
        ],
    }
