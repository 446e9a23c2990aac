"""The API over real HTTP from gunicorn: headers, errors and paging as a client sees them."""

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from tests.e2e.conftest import OPENER, WORKERS, Server

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"
SEED_SLUGS = {
    "alpha-plan",
    "beta-rejects-plan",
    "forum-meeting",
    "same-day-a",
    "same-day-b",
    "same-day-c",
}
LINK = re.compile(r'<([^>]*)>\s*;\s*rel="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get_content_type()

    def json(self):
        return json.loads(self.body)

    def header_list(self, name: str) -> set[str]:
        """A comma-separated header as a set of lower-case tokens."""
        value = self.headers.get(name, "")
        return {token.strip().lower() for token in value.split(",") if token.strip()}


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    """One request; 4xx/5xx/304 come back as answers, not exceptions."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())


def links(answer: Answer) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(answer.headers.get("Link", ""))}


def assert_problem(answer: Answer, status: int | None = None) -> dict:
    """A problem document, never an HTML error page."""
    assert answer.media_type == PROBLEM, (answer.status, answer.headers.get("Content-Type"))
    assert b"<html" not in answer.body.lower()
    body = answer.json()
    assert body["status"] == answer.status
    if status is not None:
        assert answer.status == status
    return body


def test_served_by_gunicorn(server: Server):
    """The CLI must hand over to gunicorn (with its workers), not a development server."""
    answer = fetch(server.url("/healthz"))
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers.get("Server", "").startswith("gunicorn")
    proc = Path("/proc")
    if not (proc / str(server.pid)).exists():
        return  # no procfs: the Server header has to do
    cmdline = (proc / str(server.pid) / "cmdline").read_bytes().split(b"\0")
    assert b"gunicorn" in cmdline, cmdline
    workers = [stat for stat in proc.glob("[0-9]*/stat") if _parent_pid(stat) == server.pid]
    assert len(workers) == WORKERS, "WEB_CONCURRENCY is not applied"


def _parent_pid(stat: Path) -> int | None:
    try:
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")".
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None  # the process ended while we looked


def test_readyz_reports_seeded_events(server: Server):
    answer = fetch(server.url("/readyz"))
    assert answer.status == 200
    body = answer.json()
    assert body["status"] == "ready"
    assert body["events"] == len(SEED_SLUGS)
    assert answer.headers["Cache-Control"] == "no-store"


def test_events_page_through_link_header(server: Server):
    """Following rel="next" from the Link header visits every event exactly once."""
    answer = fetch(server.url("/api/v1/events?limit=2"))
    assert answer.status == 200
    assert answer.media_type == "application/json"
    body = answer.json()
    assert body["total"] == len(SEED_SLUGS)
    assert len(body["items"]) == 2
    rels = links(answer)
    assert "next" in rels, answer.headers.get("Link")
    assert rels["next"].startswith(server.url("/api/v1/events?"))
    assert rels["next"] == body["links"]["next"]

    seen = [item["slug"] for item in body["items"]]
    for _ in range(len(SEED_SLUGS)):  # bounded: a looping cursor must not hang the test
        if "next" not in rels:
            break
        answer = fetch(rels["next"])
        assert answer.status == 200, answer.body
        body = answer.json()
        assert body["total"] == len(SEED_SLUGS)
        seen += [item["slug"] for item in body["items"]]
        rels = links(answer)
        assert "prev" in rels
    assert "next" not in rels
    assert sorted(seen) == sorted(SEED_SLUGS)


def test_etag_round_trip_gives_304(server: Server):
    url = server.url("/api/v1/events?limit=2")
    first = fetch(url)
    etag = first.headers.get("ETag")
    assert first.status == 200
    assert etag
    again = fetch(url, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert again.headers.get("ETag") == etag
    changed = fetch(url, headers={"If-None-Match": '"not-the-etag"'})
    assert changed.status == 200
    assert changed.body == first.body


def test_cors_exposes_link_and_etag(server: Server):
    """A browser app on another origin must be able to read the paging and caching headers."""
    answer = fetch(
        server.url("/api/v1/events?limit=1"), headers={"Origin": "https://app.example.org"}
    )
    assert answer.status == 200
    assert answer.headers.get("Access-Control-Allow-Origin") in ("*", "https://app.example.org")
    assert {"link", "etag"} <= answer.header_list("Access-Control-Expose-Headers")


def test_cors_preflight(server: Server):
    answer = fetch(
        server.url("/api/v1/events"),
        method="OPTIONS",
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert 200 <= answer.status < 300
    assert answer.headers.get("Access-Control-Allow-Origin") in ("*", "https://app.example.org")
    assert "get" in answer.header_list("Access-Control-Allow-Methods")
    assert "if-none-match" in answer.header_list("Access-Control-Allow-Headers")


@pytest.mark.parametrize(
    "path", ["/no-such-page", "/api/v1/no-such-resource", "/api/v1/events/no-such-event"]
)
def test_not_found_is_problem_json(server: Server, path: str):
    body = assert_problem(fetch(server.url(path)), 404)
    assert body["instance"] == path


def test_post_is_405_with_allow(server: Server):
    answer = fetch(
        server.url("/api/v1/events"),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(answer, 405)
    allowed = answer.header_list("Allow")
    assert "get" in allowed
    assert "post" not in allowed


@pytest.mark.parametrize(
    "query",
    [
        "unknown=" + "x" * 6000,
        "cursor=" + "x" * 6000,
        "tag=" + "x" * 6000,
        "&".join(["tag=privacy"] * 500),
    ],
    ids=["unknown-param", "cursor", "tag-value", "many-tags"],
)
def test_long_query_string_never_html_or_5xx(server: Server, query: str):
    """Within gunicorn's request-line limit, the app answers: JSON or a problem, never a crash."""
    answer = fetch(server.url("/api/v1/events?" + query))
    assert answer.status < 500, answer.body[:500]
    assert b"<html" not in answer.body.lower()
    if answer.status >= 400:
        assert_problem(answer)
    else:
        assert answer.media_type == "application/json"
        assert "items" in answer.json()


def test_over_long_request_line_is_a_414_problem(server):
    """gunicorn refuses it before the app runs; it must still answer JSON, not HTML."""
    status, headers, body = _raw_request(server, "GET /api/v1/events?q=" + "a" * 9000)
    assert status == 414
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == 414


def test_over_large_header_is_a_431_problem(server):
    status, headers, _ = _raw_request(
        server, "GET /api/v1/events", extra_headers=["X-Big: " + "b" * 9000]
    )
    assert status == 431
    assert headers["content-type"] == "application/problem+json"


def test_malformed_request_line_is_a_400_problem(server):
    status, headers, _ = _raw_request(server, "GET /api/v1/events HTTP/9.9 junk")
    assert status == 400
    assert headers["content-type"] == "application/problem+json"


def _raw_request(server, request_line, extra_headers=()):
    """Send bytes a well-behaved client library would refuse to send."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        if not request_line.endswith(("HTTP/1.1", "junk")):
            request_line += " HTTP/1.1"
        lines = [request_line, "Host: 127.0.0.1", *extra_headers, "Connection: close", "", ""]
        sock.sendall("\r\n".join(lines).encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
    return int(status_line.split()[1]), headers, body
