"""Request ids, JSON logs and /metrics, through Flask's test client."""

import json
import os
import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import FIXTURE_SEEDS
from timeline_api.app import create_app
from timeline_api.cli import main
from timeline_api.config import Config
from timeline_api.database import bind_database, migrate_database, release_database
from timeline_api.seeds import load_seeds

GENERATED_ID = re.compile(r"[0-9a-f]{32}")
REQUESTS = "timeline_http_requests_total"


@pytest.fixture
def seeded_sqlite(sqlite_database_url: str):
    bind_database(sqlite_database_url, role="command")
    migrate_database()
    load_seeds(FIXTURE_SEEDS)
    yield sqlite_database_url
    release_database()


def make_app(database_url: str, **settings):
    app = create_app(Config(DATABASE_URL=database_url, TESTING=True, **settings))

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return app


@pytest.fixture
def client(seeded_sqlite):
    return make_app(seeded_sqlite).test_client()


def json_lines(text: str) -> list[dict]:
    """Every non-empty line must be one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def sample(client, name: str, **labels: str) -> float:
    """One sample's value from /metrics (0 when it has not been recorded yet)."""
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


# Request ids


def test_a_request_id_is_generated_when_none_is_sent(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert GENERATED_ID.fullmatch(first) and GENERATED_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("sent", ["abc-123", "req:1.2_3", "x" * 128])
def test_a_sane_request_id_is_echoed(client, sent):
    assert client.get("/healthz", headers={"X-Request-ID": sent}).headers["X-Request-ID"] == sent


@pytest.mark.parametrize("sent", ["", "x" * 129, "has space", "a/b", "<script>", "é"])
def test_an_unsafe_request_id_is_replaced(client, sent):
    echoed = client.get("/healthz", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    assert GENERATED_ID.fullmatch(echoed)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/tags", 200),
        ("GET", "/api/v1/tags/no-such-tag", 404),
        ("GET", "/no-such-page", 404),
        ("POST", "/api/v1/tags", 405),
        ("GET", "/api/v1/events?limit=0", 422),
        ("GET", "/boom", 500),
    ],
)
def test_every_answer_echoes_the_request_id(client, method, path, status):
    response = client.open(path, method=method, headers={"X-Request-ID": "trace-me"})
    assert response.status_code == status
    assert response.headers["X-Request-ID"] == "trace-me"
    if status >= 400:
        assert response.mimetype == "application/problem+json"


def test_a_304_echoes_the_request_id(client):
    etag = client.get("/api/v1/tags").headers["ETag"]
    response = client.get(
        "/api/v1/tags", headers={"If-None-Match": etag, "X-Request-ID": "conditional"}
    )
    assert response.status_code == 304
    assert response.headers["X-Request-ID"] == "conditional"


def test_browsers_may_read_the_request_id(client):
    response = client.get("/api/v1/tags", headers={"Origin": "https://app.example.org"})
    exposed = {
        h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert "x-request-id" in exposed


# Logs


def test_each_request_writes_one_json_access_line(client, capsys):
    capsys.readouterr()
    client.get("/api/v1/tags?limit=1", headers={"X-Request-ID": "log-me", "User-Agent": "probe/1"})
    lines = json_lines(capsys.readouterr().out)
    access = [line for line in lines if line.get("request_id") == "log-me"]
    assert len(access) == 1
    line = access[0]
    assert line["logger"] == "timeline_api.access"
    assert line["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"])
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/tags"
    assert line["query"] == "limit=1"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["remote_addr"] == "127.0.0.1"
    assert line["user_agent"] == "probe/1"
    assert line["pid"] == os.getpid()


def test_a_500_is_logged_with_the_request_id_and_the_exception(client, capsys):
    capsys.readouterr()
    client.get("/boom", headers={"X-Request-ID": "broken"})
    lines = [line for line in json_lines(capsys.readouterr().out) if line["level"] == "ERROR"]
    assert len(lines) == 1
    assert lines[0]["request_id"] == "broken"
    assert lines[0]["logger"] == "timeline_api.api.errors"
    assert "RuntimeError: secret internals" in lines[0]["exception"]


def test_log_lines_outside_a_request_have_no_request_id(client, capsys):
    import logging

    capsys.readouterr()
    logging.getLogger("timeline_api.test").warning("between requests")
    (line,) = json_lines(capsys.readouterr().out)
    assert line["message"] == "between requests" and "request_id" not in line


def test_text_format_for_humans(seeded_sqlite, capsys):
    client = make_app(seeded_sqlite, LOG_FORMAT="text").test_client()
    capsys.readouterr()
    client.get("/healthz", headers={"X-Request-ID": "human"})
    out = capsys.readouterr().out
    assert " INFO timeline_api.access [human] GET /healthz 200 " in out
    assert not out.lstrip().startswith("{")


def test_log_level_hides_lower_levels(seeded_sqlite, capsys):
    client = make_app(seeded_sqlite, LOG_LEVEL="WARNING").test_client()
    capsys.readouterr()
    client.get("/healthz")
    assert capsys.readouterr().out == ""
    client.get("/boom")
    assert [line["level"] for line in json_lines(capsys.readouterr().out)] == ["ERROR"]


def test_creating_apps_again_does_not_duplicate_log_lines(seeded_sqlite, capsys):
    make_app(seeded_sqlite)
    client = make_app(seeded_sqlite).test_client()
    capsys.readouterr()
    client.get("/healthz", headers={"X-Request-ID": "once"})
    assert len(json_lines(capsys.readouterr().out)) == 1


# Configuration


def test_log_settings_from_the_environment():
    config = Config.from_env({"LOG_LEVEL": "debug", "LOG_FORMAT": "TEXT"})
    assert (config.LOG_LEVEL, config.LOG_FORMAT) == ("DEBUG", "text")
    defaults = Config.from_env({"LOG_LEVEL": "", "LOG_FORMAT": ""})
    assert (defaults.LOG_LEVEL, defaults.LOG_FORMAT) == ("INFO", "json")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LOG_LEVEL", "loud", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be one of json, text"),
    ],
)
def test_invalid_log_settings_stop_serve_before_gunicorn(
    monkeypatch, capsys, variable, value, message
):
    def execv(*args):
        raise AssertionError("gunicorn was started despite invalid configuration")

    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert message in err and repr(value) in err


# Metrics


def test_metrics_count_requests_by_endpoint_method_and_status(client):
    labels = {"endpoint": "tags.list_tags", "method": "GET"}
    before = sample(client, REQUESTS, status="200", **labels)
    before_count = sample(client, "timeline_http_request_duration_seconds_count", **labels)
    for _ in range(3):
        client.get("/api/v1/tags")
    assert sample(client, REQUESTS, status="200", **labels) == before + 3
    assert sample(client, "timeline_http_request_duration_seconds_count", **labels) == (
        before_count + 3
    )


def test_metrics_label_unmatched_paths_and_odd_methods_once(client):
    for path in ("/a", "/b/c", "/api/v1/nothing"):
        client.get(path)
    assert sample(client, REQUESTS, endpoint="unmatched", method="GET", status="404") == 3
    client.open("/api/v1/tags", method="BREW")
    assert sample(client, REQUESTS, endpoint="unmatched", method="other", status="405") == 1
    text = client.get("/metrics").get_data(as_text=True)
    assert "/b/c" not in text and "BREW" not in text


def test_metrics_count_the_final_status(client):
    etag = client.get("/api/v1/tags/privacy").headers["ETag"]
    client.get("/api/v1/tags/privacy", headers={"If-None-Match": etag})
    client.get("/boom")
    labels = {"endpoint": "tags.get_tag", "method": "GET"}
    assert sample(client, REQUESTS, status="200", **labels) == 1
    assert sample(client, REQUESTS, status="304", **labels) == 1
    assert sample(client, REQUESTS, endpoint="boom", method="GET", status="500") == 1


def test_metrics_endpoint_is_a_plain_uncached_scrape_target(client):
    client.get("/metrics")
    response = client.get(
        "/metrics", headers={"Origin": "https://app.example.org", "If-None-Match": "*"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert "Access-Control-Allow-Origin" not in response.headers
    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])
    text = response.get_data(as_text=True)
    assert "# TYPE timeline_http_requests_total counter" in text
    assert "python_info" in text  # the library's own metrics, for free
    assert 'endpoint="metrics.metrics"' not in text  # scrapes are not API traffic


def test_metrics_is_not_part_of_the_documented_api(client):
    assert "/metrics" not in client.get("/api/v1/openapi.json").get_json()["paths"]
