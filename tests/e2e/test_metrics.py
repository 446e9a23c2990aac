"""/metrics and the logs of the real gunicorn server, with its several workers."""

import http.client
import json
import socket
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import WORKERS, Server
from tests.e2e.test_gunicorn import fetch

pytestmark = pytest.mark.e2e

REQUESTS = 40
ENDPOINT = {"endpoint": "actors.list_actors", "method": "GET", "status": "200"}


def requests_total(exposition: str, **labels: str) -> float:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "timeline_http_requests_total" and sample.labels == labels:
                return sample.value
    return 0.0


def scrape(server: Server) -> str:
    answer = fetch(server.url("/metrics"))
    assert answer.status == 200
    return answer.body.decode()


def app_log(server: Server) -> list[dict]:
    return [json.loads(line) for line in server.log_lines() if line.strip()]


def test_a_worker_that_served_none_of_the_requests_counts_them_all(server: Server):
    """Multiprocess metrics: a scrape sums every worker's counts, not just its own."""
    before = requests_total(scrape(server), **ENDPOINT)
    batch = uuid.uuid4().hex[:8]
    ids = [f"count-{batch}-{n}" for n in range(REQUESTS)]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as held:
        # An unfinished scrape: the (sync) worker that accepts it waits for the rest of it,
        # so every request below is served by the other worker(s).
        held.sendall(
            f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: held-{batch}\r\n".encode()
        )
        for request_id in ids:
            answer = fetch(server.url("/api/v1/actors"), headers={"X-Request-ID": request_id})
            assert answer.status == 200
        held.sendall(b"Connection: close\r\n\r\n")
        response = http.client.HTTPResponse(held)
        response.begin()
        assert response.status == 200
        exposition = response.read().decode()

    assert requests_total(exposition, **ENDPOINT) == before + REQUESTS
    log = app_log(server)
    served = [line for line in log if line.get("request_id") in ids]
    assert len(served) == REQUESTS, "each request is logged exactly once"
    (held_scrape,) = [line for line in log if line.get("request_id") == f"held-{batch}"]
    assert held_scrape["pid"] not in {line["pid"] for line in served}
    # Whichever worker answers a scrape, it sees the same total.
    for _ in range(WORKERS * 2):
        assert requests_total(scrape(server), **ENDPOINT) == before + REQUESTS


def test_app_log_is_json_lines_with_request_ids(server: Server):
    request_id = f"e2e-log-{uuid.uuid4().hex}"
    answer = fetch(server.url("/api/v1/events/no-such-event"), headers={"X-Request-ID": request_id})
    assert answer.status == 404
    assert answer.headers["X-Request-ID"] == request_id

    lines = app_log(server)  # raises on any line that is not JSON
    assert lines
    for line in lines:
        assert {"timestamp", "level", "logger", "message"} <= line.keys(), line
    access = [line for line in lines if line["logger"] == "timeline_api.access"]
    assert all(line.get("request_id") for line in access)
    (mine,) = [line for line in access if line["request_id"] == request_id]
    assert mine["method"] == "GET" and mine["status"] == 404
    assert mine["path"] == "/api/v1/events/no-such-event"
    assert mine["remote_addr"] == "127.0.0.1"
    assert "gunicorn" not in server.log.read_text(), "gunicorn's own log belongs on stderr"


def test_generated_request_ids_over_http(server: Server):
    first, second = fetch(server.url("/healthz")), fetch(server.url("/healthz"))
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_metrics_is_an_uncached_scrape_target_without_cors(server: Server):
    answer = fetch(server.url("/metrics"), headers={"Origin": "https://app.example.org"})
    assert answer.status == 200
    assert answer.media_type == "text/plain"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "ETag" not in answer.headers
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert b"# TYPE timeline_http_request_duration_seconds histogram" in answer.body
