"""The five requests, and what each server is asked for them (the honest equivalents).

Our API's URLs are the reference. The bare Flask app and nginx answer the very bytes our
API gave for them. Datasette is asked for the same content through its own table API, on
two views of its copy of the database (bench/databases.py) that give each row the event's
tags, actors with roles and sources (and, for the detail, citations with quotes, points and
related events), decoded into nested JSON with `_json=`, as our API nests them.
"""

from bench.datasets import DatasetInfo

REQUESTS = ("list", "filtered", "detail", "search", "facets")
DATASETTE_DB = "timeline"  # Datasette names a database after its file: timeline.db
_SUMMARY_JSON = "_shape=objects&_json=tags&_json=actors&_json=sources"
_DETAIL_JSON = _SUMMARY_JSON + "&_json=citations&_json=points&_json=related"
_SEARCH_TABLE = "_fts_table=event_search&_fts_pk=id"  # our FTS5 index, rowid = event id

# Written into the results, so a reader knows what was compared with what.
EQUIVALENCE = {
    "list": "First page of 20 events by date, with the total. Datasette: event_summary view "
    "sorted by date_start, 20 rows, with its filtered row count.",
    "filtered": "Same, for events overlapping the year and of one type. Datasette: the same "
    "overlap as column filters (date_start__lte, date_end__gte, event_type).",
    "detail": "One event by slug with tags, actors, citations and quotes, points and related "
    "events both ways. Datasette: event_detail view filtered on slug (it also counts).",
    "search": "Full-text search, 20 hits. Ours ranks by bm25 and builds a highlighted "
    "snippet per hit; Datasette matches the same FTS5 table (?_search= with _fts_table) "
    "and neither ranks nor highlights: it does less work for this request.",
    "facets": "Counts by year, type, tag, actor and country over all events. Datasette: "
    "_facet (year, event_type, country) and _facet_array (tags, actor_slugs) on "
    "event_summary, every value (_facet_size=max), no rows (_size=0).",
}


def our_paths(info: DatasetInfo) -> dict[str, str]:
    """Our API's URL (path and query) for each request."""
    return {
        "list": "/api/v1/events?limit=20&sort=date",
        "filtered": f"/api/v1/events?limit=20&sort=date&year={info.filter_year}"
        f"&type={info.filter_type}",
        "detail": f"/api/v1/events/{info.detail_slug}",
        "search": f"/api/v1/events?limit=20&q={info.search_word}",
        "facets": "/api/v1/events/facets",
    }


def datasette_paths(info: DatasetInfo) -> dict[str, str]:
    """Datasette's URL for the same content (see EQUIVALENCE)."""
    view = f"/{DATASETTE_DB}/event_summary.json"
    year = info.filter_year
    return {
        "list": f"{view}?_sort=date_start&_size=20&{_SUMMARY_JSON}",
        "filtered": f"{view}?event_type={info.filter_type}&date_start__lte={year}-12-31"
        f"&date_end__gte={year}-01-01&_sort=date_start&_size=20&{_SUMMARY_JSON}",
        "detail": f"/{DATASETTE_DB}/event_detail.json?slug={info.detail_slug}&{_DETAIL_JSON}",
        "search": f"{view}?_search={info.search_word}&{_SEARCH_TABLE}&_size=20&{_SUMMARY_JSON}",
        "facets": f"{view}?_facet=year&_facet=event_type&_facet=country&_facet_array=tags"
        "&_facet_array=actor_slugs&_facet_size=max&_size=0",
    }


def static_paths() -> dict[str, str]:
    """nginx's file for each request: our API's body, stored once."""
    return {name: f"/{name}.json" for name in REQUESTS}


def check_answer(server: str, request: str, body: dict) -> str:
    """A one-line description of an answer, raising if it is not the full answer expected."""
    if server == "datasette":
        if body.get("facets_timed_out"):
            raise ValueError(f"datasette {request}: facets timed out {body['facets_timed_out']}")
        if request == "facets":
            facets = body["facet_results"]
            if len(facets) != 5 or any(f.get("truncated") for f in facets.values()):
                raise ValueError(f"datasette facets incomplete: {sorted(facets)}")
            return f"{len(facets)} facets, {body.get('filtered_table_rows_count')} rows"
        rows = body["rows"]
        if not rows:
            raise ValueError(f"datasette {request}: no rows")
        return f"{len(rows)} rows of {body.get('filtered_table_rows_count')}"
    if request == "facets":
        return f"{len(body['facets'])} facets over {body['total']} events"
    if request == "detail":
        return f"{len(body['citations'])} citations, {len(body['related'])} related"
    if not body["items"]:
        raise ValueError(f"{server} {request}: no items")
    return f"{len(body['items'])} items of {body['total']}"


def check_varied(server: str, request: str, body: dict) -> None:
    """A varied URL may match nothing, but must answer the same shape of document."""
    if server == "datasette":
        expected = "facet_results" if request == "facets" else "rows"
    else:
        expected = {"facets": "facets", "detail": "citations"}.get(request, "items")
    if expected not in body:
        raise ValueError(f"{server} {request}: a varied URL answered {sorted(body)[:6]}")
