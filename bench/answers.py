"""Every endpoint's answer, byte for byte, to compare two versions of the code.

    python -m bench.answers DATABASE_URL OUT.json        # record this checkout's answers
    python -m bench.answers --compare BEFORE.json AFTER.json

Records status, headers and body (as a SHA-256, with the body itself when it is short; a gzip body
decompressed, since gzip stamps the time) of
a fixed walk over the API through Flask's test client: the index, lists with every filter,
pages followed through their cursors, search, facets, details and their exports, the
catalogues, releases, changes, the data package, errors; each asked plain, with
Accept-Encoding, with an Origin and again with the ETag it got (a 304), from the same
client and from another Origin (a 304 decided before rendering). Run it on the same
database with the code before and after a change that must not change the answers, then
compare. The ETag depends on the code (response_cache.code_fingerprint), so the code's
fingerprint is fixed here: an ETag that differs then means the answer's key differs.
Request ids and Date are made anew for each request and left out.
"""

import gzip
import hashlib
import json
import sys
from pathlib import Path

SKIPPED_HEADERS = {"x-request-id", "date"}
SHORT_BODY = 2000


def _paths(client) -> list[str]:
    """The walk: fixed URLs, then URLs built from what the data holds."""
    events = client.get("/api/v1/events?limit=100").get_json()["items"]
    slugs = [event["slug"] for event in events[:4]]
    tags = [tag["slug"] for tag in client.get("/api/v1/tags").get_json()["items"][:2]]
    actors = [actor["slug"] for actor in client.get("/api/v1/actors").get_json()["items"][:2]]
    sources = [s["slug"] for s in client.get("/api/v1/sources").get_json()["items"][:2]]
    word = (events[0]["title"].split() or ["data"])[0].strip(",.:;'\"").lower() or "data"
    year = (events[len(events) // 2]["date"] or "2020")[:4]
    paths = [
        "/api/v1",
        "/api/v1/events",
        "/api/v1/events?sort=-date&limit=5",
        f"/api/v1/events?year={year}&limit=3",
        f"/api/v1/events?tag={tags[0]}&tag={tags[-1]}&sort=-date",
        f"/api/v1/events?actor={actors[0]}&limit=2",
        f"/api/v1/events?source={sources[0]}",
        "/api/v1/events?from=2020-03&to=2021",
        "/api/v1/events?country=cn&type=statement&type=initiative",
        f"/api/v1/events?q={word}",
        f"/api/v1/events?q={word}&sort=date&limit=2",
        f"/api/v1/events?q={word}&tag={tags[0]}&sort=relevance",
        "/api/v1/events?q=data+OR+security&limit=3",
        "/api/v1/events?q=%22unbalanced",
        "/api/v1/events?fields=slug,title,date&limit=4",
        "/api/v1/events?format=csv",
        f"/api/v1/events?format=ics&q={word}",
        "/api/v1/events?as_of=1&limit=3",
        "/api/v1/events?as_of=1&q=data",
        "/api/v1/events?limit=500&year=20x0",
        "/api/v1/events?limit=5&limit=6",
        "/api/v1/events?cursor=nonsense",
        "/api/v1/events?format=csv&limit=3",
        "/api/v1/events/facets",
        f"/api/v1/events/facets?q={word}&facet_size=2",
        f"/api/v1/events/facets?tag={tags[0]}&year={year}&facet_size=1",
        "/api/v1/events/facets?as_of=1",
        *(f"/api/v1/events/{slug}" for slug in slugs),
        f"/api/v1/events/{slugs[0]}?fields=slug,title,related",
        f"/api/v1/events/{slugs[0]}?as_of=1",
        f"/api/v1/events/{slugs[0]}?format=ics",
        f"/api/v1/events/{slugs[0]}.geojson",
        f"/api/v1/events/{slugs[0]}/history",
        "/api/v1/events/no-such-event",
        *(
            f"/api/v1/events.{extension}"
            for extension in ("csv", "ics", "atom", "timelinejs", "jsonld", "geojson")
        ),
        f"/api/v1/events.vistimeline?q={word}",
        "/api/v1/sources",
        "/api/v1/actors?limit=3",
        "/api/v1/tags",
        *(f"/api/v1/tags/{slug}" for slug in tags),
        *(f"/api/v1/actors/{slug}" for slug in actors),
        *(f"/api/v1/sources/{slug}" for slug in sources),
        "/api/v1/releases",
        "/api/v1/releases/1",
        "/api/v1/changes",
        "/api/v1/changes.atom",
        "/api/v1/dataset",
        "/api/v1/datapackage.json",
        "/api/v1/datapackage/events.csv",
        "/api/v1/datapackage.zip",
        "/api/v1/openapi.json",
        "/readyz",
        "/healthz",
    ]
    # Pages followed through their cursors, forwards then back.
    page = client.get("/api/v1/events?limit=7&sort=-date").get_json()
    for _ in range(2):
        if page["links"]["next"]:
            paths.append(page["links"]["next"].removeprefix("http://localhost"))
            page = client.get(paths[-1]).get_json()
    if page["links"]["prev"]:
        paths.append(page["links"]["prev"].removeprefix("http://localhost"))
    return paths


HEADER_SETS = {
    "plain": {},
    "gzip": {"Accept-Encoding": "gzip"},
    "br-origin": {"Accept-Encoding": "br, gzip", "Origin": "http://example.org"},
    "accept-csv": {"Accept": "text/csv"},
}


def _answer(response) -> dict:
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)  # its header holds the time it was made
    answer = {
        "status": response.status,
        "headers": [
            [k, v] for k, v in response.headers.items() if k.lower() not in SKIPPED_HEADERS
        ],
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "body_length": len(body),
    }
    if len(body) <= SHORT_BODY:
        answer["body"] = body.decode("utf-8", "replace")
    return answer


def record(database_url: str) -> dict:
    """{request: answer} for the walk, against `database_url`."""
    from timeline_api.api import response_cache
    from timeline_api.app import create_app
    from timeline_api.config import Config

    response_cache.code_fingerprint = lambda: "fixed for bench.answers"
    app = create_app(Config(DATABASE_URL=database_url, LOG_LEVEL="WARNING"))
    client = app.test_client()
    answers = {}
    for path in _paths(client):
        for name, headers in HEADER_SETS.items():
            response = client.get(path, headers=headers)
            answers[f"{name} {path}"] = _answer(response)
            etag = response.headers.get("ETag")
            if etag:
                again = client.get(path, headers={**headers, "If-None-Match": etag})
                answers[f"{name}+if-none-match {path}"] = _answer(again)
                # Another Origin is another entry of the response cache, not yet there: the
                # 304 is decided before rendering (response_cache.py).
                other = {**headers, "Origin": "http://other.example", "If-None-Match": etag}
                answers[f"{name}+if-none-match+other-origin {path}"] = _answer(
                    client.get(path, headers=other)
                )
    return answers


def compare(before: dict, after: dict) -> list[str]:
    """What differs, one line per request (and per header)."""
    differences = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None or new is None:
            differences.append(f"{key}: only {'after' if old is None else 'before'}")
            continue
        for field in ("status", "body_sha256"):
            if old[field] != new[field]:
                differences.append(f"{key}: {field} {old[field]} -> {new[field]}")
        old_headers, new_headers = map(dict, (old["headers"], new["headers"]))
        for name in sorted(set(old_headers) | set(new_headers)):
            if old_headers.get(name) != new_headers.get(name):
                differences.append(
                    f"{key}: {name}: {old_headers.get(name)!r} -> {new_headers.get(name)!r}"
                )
        if [n for n, _ in old["headers"]] != [
            n for n, _ in new["headers"]
        ] and old_headers == new_headers:
            differences.append(f"{key}: header order")
    return differences


def main() -> int:
    if sys.argv[1] == "--compare":
        before, after = (json.loads(Path(path).read_text()) for path in sys.argv[2:4])
        differences = compare(before, after)
        print("\n".join(differences) or f"identical: {len(before)} answers")
        return 1 if differences else 0
    answers = record(sys.argv[1])
    Path(sys.argv[2]).write_text(json.dumps(answers, indent=1, sort_keys=True))
    print(f"{len(answers)} answers written to {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
