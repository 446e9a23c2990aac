"""The production topology under load and faults: the nginx proxy in front of three API
replicas (the stack of conftest.py, CACHE_MAX_AGE=3 s, a per-client rate limit).

Everything goes through the proxy's port on 127.0.0.1, except two clients that must have
addresses of their own (separate rate-limit budgets): those run curl in containers on the
stack's network. Tests that stop replicas or change the data come last, in file order.
"""

import gzip
import json
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import (
    CACHE_MAX_AGE,
    COMPOSE_FILE,
    RATE_LIMIT_COUNT,
    REPLICAS,
    Answer,
    Stack,
    docker,
)
from tests.support import REAL_SEEDS, REPO_ROOT

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"
FROM_CACHE = {"HIT", "STALE", "UPDATING", "REVALIDATED"}
PROXY_CONFIG = REPO_ROOT / "docker" / "proxy"
# The steady load of the replica test: LOAD_CLIENTS threads, each one request per LOAD_PERIOD.
LOAD_CLIENTS, LOAD_PERIOD = 4, 0.2  # 20 requests/s, within one client's rate limit
# nginx counts whole seconds: a copy stored at 12.9 s with max-age=3 is fresh until 16.0 s.
EXPIRED_AFTER = CACHE_MAX_AGE + 1.2


def _now() -> str:
    """A --since value for docker logs: the moment before what a test does next."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_lines(text: str) -> list[dict]:
    """The JSON objects among docker compose log lines ("service-1  | 2026-... {...}")."""
    found = []
    for line in text.splitlines():
        start = line.find("{")
        if start >= 0:
            try:
                found.append(json.loads(line[start:]))
            except ValueError:
                continue
    return found


def _api_access_lines(stack: Stack, since: str) -> list[dict]:
    return [
        line
        for line in _json_lines(stack.logs("api", since=since))
        if line.get("logger") == "timeline_api.access"
    ]


def _is_problem(answer: Answer, status: int) -> bool:
    return (
        answer.status == status
        and answer.media_type == PROBLEM
        and answer.json()["status"] == status
        and b"<html" not in answer.body.lower()
    )


def test_replicas_share_the_requests_the_proxy_passes_on(stack: Stack):
    since = _now()
    for _ in range(30):
        answer = stack.get("/api/v1/tags", {"Cache-Control": "no-cache"})
        assert answer.status == 200 and answer.headers["X-Cache-Status"] == "BYPASS"
    served = Counter()
    for replica in stack.containers("api"):
        lines = _json_lines(docker("logs", "--since", since, replica))
        served[replica] = sum(1 for line in lines if line.get("path") == "/api/v1/tags")
    assert len(served) == REPLICAS and all(served.values()), served
    assert sum(served.values()) == 30


def test_answers_are_cached_as_their_cache_control_allows(stack: Stack):
    url = "/api/v1/events?limit=2&sort=-date"
    first = stack.get(url, {"X-Request-ID": "first-request"})
    assert first.status == 200 and first.headers["X-Cache-Status"] == "MISS"
    # Per-client headers: this client's budget on an answer the API made for it...
    assert int(first.headers["X-RateLimit-Remaining"]) < RATE_LIMIT_COUNT
    hit = stack.get(url, {"X-Request-ID": "second-request"})
    assert hit.headers["X-Cache-Status"] == "HIT" and hit.body == first.body
    assert hit.headers["ETag"] == first.headers["ETag"]
    # ...but never another client's on an answer from the cache; a request id of its own.
    assert "X-RateLimit-Remaining" not in hit.headers and "Retry-After" not in hit.headers
    assert (first.headers["X-Request-ID"], hit.headers["X-Request-ID"]) == (
        "first-request",
        "second-request",
    )
    # The public scheme, host and port in Link URLs (X-Forwarded-Proto/-Host).
    assert f"<http://127.0.0.1:{stack.port}/api/v1/events?" in first.headers["Link"]
    # A conditional request is answered by the proxy from its copy.
    not_modified = stack.get(url, {"If-None-Match": first.headers["ETag"]})
    assert not_modified.status == 304 and not_modified.headers["X-Cache-Status"] == "HIT"

    # The key: Accept is part of it; Origin is not while CORS allows every origin.
    # (An export holds every event, so this pair of requests has no `limit`.)
    whole = "/api/v1/events?sort=-date&type=statement"
    assert stack.get(whole).headers["X-Cache-Status"] == "MISS"
    csv = stack.get(whole, {"Accept": "text/csv"})
    assert csv.media_type == "text/csv" and csv.headers["X-Cache-Status"] == "MISS"
    assert stack.get(url, {"Origin": "https://newsroom.example"}).headers["X-Cache-Status"] == "HIT"
    # Compressed by the API for clients that ask (Brotli first), each coding in its own
    # entry with its own strong ETag, passed through without being compressed again.
    gzipped = stack.get(url, {"Accept-Encoding": "gzip"})
    assert gzipped.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(gzipped.body) == first.body
    assert gzipped.headers["ETag"] == first.headers["ETag"][:-1] + ':gzip"'
    assert "Accept-Encoding" in gzipped.headers["Vary"]
    # The API's Vary: Accept-Encoding is honoured too: nginx keeps one copy per header value.
    assert stack.get(url, {"Accept-Encoding": "gzip"}).headers["X-Cache-Status"] == "HIT"
    brotli = stack.get(url, {"Accept-Encoding": "gzip, deflate, br"})
    assert brotli.headers.get("Content-Encoding") == "br"
    assert brotli.headers["ETag"] == first.headers["ETag"][:-1] + ':br"'
    refused = stack.get(url, {"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers and refused.body == first.body
    revalidated = stack.get(
        url, {"Accept-Encoding": "gzip", "If-None-Match": gzipped.headers["ETag"]}
    )
    assert revalidated.status == 304


def test_origin_is_part_of_the_key_when_cors_restricts_origins(stack: Stack):
    """A second proxy from the same configuration, with CORS_ORIGINS restricted, in front of
    the same replicas: each origin gets its own copy (the API's CORS headers name it)."""
    proxy = docker(
        "run", "-d", "--network", stack.network, "-p", "127.0.0.1::80",
        "--tmpfs", "/etc/nginx/conf.d",
        "-e", "API_UPSTREAM=api:8000", "-e", "PROXY_RESOLVER=127.0.0.11",
        "-e", "CORS_ORIGINS=https://one.example,https://two.example",
        "-e", "PROXY_CACHE_MAX_SIZE=16m",
        "-v", f"{PROXY_CONFIG}/templates/timeline.conf.template:"
              "/etc/nginx/templates/timeline.conf.template:ro",
        "-v", f"{PROXY_CONFIG}/timeline:/etc/nginx/timeline:ro",
        "nginx:1.27",
    ).strip()  # fmt: skip
    try:
        port = int(docker("port", proxy, "80").split(":")[-1])
        restricted = Stack(stack.project, port, stack.image, stack.env)
        deadline = time.monotonic() + 30
        while True:
            try:
                if restricted.get("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, docker("logs", proxy)
            time.sleep(0.3)
        url = "/api/v1/tags?limit=9"
        statuses = [
            restricted.get(url, {"Origin": origin}).headers["X-Cache-Status"]
            for origin in ("https://one.example", "https://two.example", "https://one.example")
        ]
        assert statuses == ["MISS", "MISS", "HIT"]
    finally:
        docker("rm", "-f", proxy)


def test_what_is_never_cached(stack: Stack):
    # Errors, whatever their headers: each one reaches the API.
    for _ in range(2):
        missing = stack.get("/api/v1/events/no-such-event")
        assert _is_problem(missing, 404) and missing.headers["X-Cache-Status"] == "MISS"
    # Probes answer for a replica, now.
    assert stack.get("/readyz").headers["X-Cache-Status"] == "BYPASS"
    # A client's no-store: its answer is not kept.
    url = "/api/v1/actors?limit=3"
    assert stack.get(url, {"Cache-Control": "no-store"}).headers["X-Cache-Status"] == "MISS"
    assert stack.get(url).headers["X-Cache-Status"] == "MISS"
    # A client's no-cache (or max-age=0, or Pragma without Cache-Control): the API is asked
    # and its fresh answer replaces the copy; a later plain request is a HIT again.
    asking = ({"Cache-Control": "no-cache"}, {"Cache-Control": "max-age=0"}, {"Pragma": "no-cache"})
    for headers in asking:
        asked = stack.get(url, headers)
        assert asked.headers["X-Cache-Status"] == "BYPASS", headers
        assert "X-RateLimit-Remaining" in asked.headers
    assert stack.get(url).headers["X-Cache-Status"] == "HIT"
    assert stack.get(url, {"Cache-Control": "max-age=60"}).headers["X-Cache-Status"] == "HIT"


def _raw_request(stack: Stack, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def test_the_proxys_own_errors_are_problem_documents(stack: Stack):
    long_uri = stack.get("/api/v1/events?q=" + "a" * 9000)
    assert _is_problem(long_uri, 414), long_uri
    big_header = stack.get("/api/v1/events", {"X-Padding": "b" * 9000})
    assert _is_problem(big_header, 431), big_header
    assert _is_problem(stack.get("/metrics"), 404)  # Prometheus scrapes the replicas
    assert _is_problem(stack.get("/proxy-status"), 404)  # the health check's, local only
    body = subprocess.run(
        ["curl", "-s", "--noproxy", "*", "-X", "POST", "--data-binary", "@-",
         "-w", "\n%{http_code} %{content_type}", stack.url("/api/v1/events")],
        input=b"x" * 70_000, capture_output=True, timeout=30,
    ).stdout.decode()  # fmt: skip
    document, _, status_line = body.rpartition("\n")
    assert status_line == f"413 {PROBLEM}", body
    assert json.loads(document)["status"] == 413
    garbage = _raw_request(stack, b"NOT HTTP AT ALL\r\n\r\n")
    head, _, document = garbage.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and f"Content-Type: {PROBLEM}".encode() in head
    assert json.loads(document)["status"] == 400


def test_a_revalidation_costs_the_api_no_rendering(stack: Stack):
    """When the proxy's copy expires it asks the API with If-None-Match, and the API answers
    304 from the data version alone. Shown with the event table out of the way: rendering
    any event list would fail, yet the copy is revalidated and served."""
    url = "/api/v1/events?limit=3&sort=date"
    first = stack.get(url)
    cached_at = time.monotonic()
    assert first.headers["X-Cache-Status"] == "MISS"
    since = _now()
    stack.psql("ALTER TABLE event RENAME TO event_hidden_by_test")
    try:
        uncached = stack.get("/api/v1/events?limit=4&sort=date")
        assert uncached.status >= 500, "rendering should need the event table"
        time.sleep(max(0.0, cached_at + EXPIRED_AFTER - time.monotonic()))
        statuses = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            answer = stack.get(url)
            assert answer.status == 200 and answer.body == first.body
            statuses.append(answer.headers["X-Cache-Status"])
            if statuses[-1] == "HIT":
                break
            time.sleep(0.1)
        # Expired: served stale while one background request revalidated it; then fresh.
        assert statuses[0] == "STALE" and statuses[-1] == "HIT", statuses
    finally:
        stack.psql("ALTER TABLE event_hidden_by_test RENAME TO event")
    revalidations = [
        line
        for line in _api_access_lines(stack, since)
        if line["path"] == "/api/v1/events" and line.get("query") == "limit=3&sort=date"
    ]
    assert [line["status"] for line in revalidations] == [304], revalidations


@contextmanager
def _clients(stack: Stack, count: int) -> Iterator[list[str]]:
    """`count` containers on the stack's network, alive together, so each has an address
    of its own, as other clients of the proxy would."""
    started = [
        docker(
            "run", "-d", "--rm", "--network", stack.network, "--entrypoint", "sleep",
            "nginx:1.27", "120",
        ).strip()
        for _ in range(count)
    ]  # fmt: skip
    try:
        yield started
    finally:
        docker("rm", "-f", *started)


def _run_in(container: str, script: str) -> list[str]:
    """Output lines of `script`, run by sh in `container`."""
    return docker("exec", container, "sh", "-c", script).splitlines()


def _curl(url: str, forwarded_for: str, write_out: str, times: int = 1) -> str:
    """A curl command line asking the API (no-cache, so every request is counted) `times`
    over one connection, claiming `forwarded_for` as the client's address."""
    return shlex.join(
        ["curl", "-s", "-H", "Cache-Control: no-cache", "-H", f"X-Forwarded-For: {forwarded_for}",
         "-w", write_out + "\\n", *["-o", "/dev/null", url] * times]
    )  # fmt: skip


def test_each_client_address_has_its_own_budget_and_cannot_choose_it(stack: Stack):
    url = "http://proxy/api/v1/tags"
    since = _now()
    budget = "%{http_code} %header{x-ratelimit-remaining}"
    refusal = "%{http_code} %header{retry-after} %{content_type}"
    with _clients(stack, 2) as (client, other_client):
        # The client sends an X-Forwarded-For of its own, which the proxy must not let it
        # use as its address, then another one once its budget is spent.
        address, *answers, spoofed = _run_in(
            client,
            f"hostname -i; {_curl(url, '198.51.100.7', budget, RATE_LIMIT_COUNT + 1)}; "
            f"{_curl(url, '198.51.100.8', refusal)}",
        )
        # Another client, even one claiming the first one's forwarded address, has its own.
        other_address, other = _run_in(
            other_client, f"hostname -i; {_curl(url, '198.51.100.7', budget)}"
        )
    statuses = [line.split()[0] for line in answers]
    assert statuses == ["200"] * RATE_LIMIT_COUNT + ["429"], Counter(statuses)
    # One budget shared by every worker of every replica (Redis), falling one by one.
    remaining = [int(line.split()[1]) for line in answers[:-1]]
    assert remaining == list(range(RATE_LIMIT_COUNT - 1, -1, -1))
    # Another X-Forwarded-For does not give this client a fresh budget.
    status, retry_after, media_type = spoofed.split()
    assert (status, media_type) == ("429", PROBLEM) and int(retry_after) > 0
    assert other_address != address
    assert other.split() == ["200", str(RATE_LIMIT_COUNT - 1)]
    # The API saw each client's own address, as the proxy appended it.
    lines = _api_access_lines(stack, since)
    seen = {line["remote_addr"] for line in lines if line["path"] == "/api/v1/tags"}
    assert {address, other_address} <= seen and "198.51.100.7" not in seen


@dataclass
class SteadyLoad:
    """LOAD_CLIENTS threads, each sending at most one GET per LOAD_PERIOD until stopped;
    every answer other than 200 and every socket error is a failure."""

    stack: Stack
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self, client: int) -> None:
        paths = ["/api/v1/events?limit=5", "/api/v1/tags", "/api/v1/sources", "/api/v1/actors"]
        sent = 0
        next_at = time.monotonic()
        while not self.stopping.is_set():
            # Every request reaches a replica: no-cache makes the proxy ask the API.
            path = paths[(client + sent) % len(paths)]
            try:
                # Generous: a request sent to a replica whose workers are still booting
                # waits for them (slow, not failed) on a busy machine.
                answer = self.stack.get(path, {"Cache-Control": "no-cache"}, timeout=40)
                self.statuses[answer.status] += 1
                if answer.status != 200:
                    self.failures.append(f"{path}: {answer.status} {answer.body[:300]!r}")
            except OSError as error:
                self.failures.append(f"{path}: {error!r}")
            sent += 1
            # Never catch up after a slow answer: a burst could spend the client's budget.
            next_at = max(next_at + LOAD_PERIOD, time.monotonic())
            time.sleep(max(0.0, next_at - time.monotonic()))

    def __enter__(self) -> "SteadyLoad":
        self.threads = [
            threading.Thread(target=self.run, args=(client,), daemon=True)
            for client in range(LOAD_CLIENTS)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)


def _wait_healthy(stack: Stack, container: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while stack.state(container).get("Health", {}).get("Status") != "healthy":
        assert time.monotonic() < deadline, f"{container} did not turn healthy"
        time.sleep(0.5)


def test_a_replica_stopped_and_started_under_load_fails_no_request(stack: Stack):
    replica = stack.containers("api")[1]
    since = _now()
    with SteadyLoad(stack) as load:
        time.sleep(2)
        docker("stop", replica)  # SIGTERM: gunicorn drains, then the container is gone
        assert stack.state(replica)["ExitCode"] == 0
        time.sleep(3)
        restarted = _now()
        docker("start", replica)
        _wait_healthy(stack, replica)
        time.sleep(3)
    assert load.failures == [], load.failures[:20]
    assert sum(load.statuses.values()) >= 100, load.statuses
    # The proxy followed it back: the restarted replica answers its share again.
    lines = _json_lines(docker("logs", "--since", restarted, replica))
    assert any(line.get("path", "").startswith("/api/v1/") for line in lines)
    # Requests that met the stopping or starting replica were retried on another one.
    proxied = [line for line in _json_lines(stack.logs("proxy", since=since)) if "upstream" in line]
    retried = [line for line in proxied if "," in line["upstream"]]
    assert retried, f"no request of {len(proxied)} met the stopping or starting replica"


def test_replacing_every_replica_one_by_one_under_load_fails_no_request(stack: Stack):
    """docker/roll-api.sh, the README's way to roll replicas onto a new image: a new one
    up and healthy, then an old one stopped, in turn."""
    old = set(stack.containers("api"))
    env = {**stack.env, "COMPOSE_PROJECT_NAME": stack.project, "COMPOSE_FILE": str(COMPOSE_FILE)}
    with SteadyLoad(stack) as load:
        rolled = subprocess.run(
            ["sh", str(REPO_ROOT / "docker" / "roll-api.sh")],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        time.sleep(1)
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert load.failures == [], load.failures[:20]
    new = stack.containers("api")
    assert len(new) == REPLICAS and not old & set(new)
    assert all(stack.state(replica)["Health"]["Status"] == "healthy" for replica in new)


def test_every_replica_stopped_serves_the_cache_then_recovers_by_itself(stack: Stack):
    cached, uncached = "/api/v1/sources?limit=3", "/api/v1/actors?limit=7"
    assert stack.get(cached).headers["X-Cache-Status"] in ("MISS", "EXPIRED", "HIT")
    cached_at = time.monotonic()
    (proxy,) = stack.containers("proxy")
    proxy_started = stack.state(proxy)["StartedAt"]
    replicas = stack.containers("api")
    docker("stop", *replicas)
    try:
        fresh = stack.get(cached)
        assert fresh.status == 200 and fresh.headers["X-Cache-Status"] in FROM_CACHE
        # Once expired, the copy is still served (stale) while no replica can refresh it.
        time.sleep(max(0.0, cached_at + EXPIRED_AFTER - time.monotonic()))
        stale = stack.get(cached)
        assert stale.status == 200 and stale.headers["X-Cache-Status"] in ("STALE", "UPDATING")
        assert stale.body == fresh.body
        # And past stale-while-revalidate too: with no replica to ask, the copy is better
        # than an error (stale-if-error, however old).
        time.sleep(max(0.0, cached_at + EXPIRED_AFTER + CACHE_MAX_AGE - time.monotonic()))
        older = stack.get(cached)
        assert older.status == 200 and older.headers["X-Cache-Status"] == "STALE"
        assert older.body == fresh.body
        # What was never cached: the proxy's own 503, a problem document.
        unavailable = stack.get(uncached)
        assert _is_problem(unavailable, 503), unavailable
        assert int(unavailable.headers["Retry-After"]) > 0
        assert unavailable.headers["Cache-Control"] == "no-store"
    finally:
        docker("start", *replicas)
    # A starting replica accepts connections once gunicorn has bound its port and answers
    # once a worker has booted: on a busy machine a request may wait for that, not fail.
    deadline = time.monotonic() + 90
    while (answer := stack.get(uncached, timeout=60)).status != 200:
        assert _is_problem(answer, 503), answer
        assert time.monotonic() < deadline, "the replicas did not come back"
        time.sleep(0.5)
    assert answer.headers["X-Cache-Status"] == "MISS"
    assert stack.state(proxy)["StartedAt"] == proxy_started  # nobody restarted the proxy
    for replica in replicas:
        _wait_healthy(stack, replica)


def test_a_new_seed_release_is_visible_through_the_proxy_within_max_age(stack: Stack):
    """The release procedure of the README: the one-shot seed job loads the new seeds
    while the replicas serve. A changed answer is visible once the proxy's copy expires
    (max-age), after one request that is still answered from it while it is refreshed in
    the background; a removed one (now a 410 Gone) once stale-while-revalidate has passed too."""
    slug = "global-initiative-on-data-security-launch"
    removed = "us-tiktok-ban-unless-american-buyer"
    url, removed_url = f"/api/v1/events/{slug}", f"/api/v1/events/{removed}"
    old = stack.get(url)
    assert old.status == 200 and stack.get(removed_url).status == 200
    version = stack.get("/readyz").json()["data_version"]
    release = Path(tempfile.mkdtemp(prefix="timeline-release-"))
    try:
        shutil.copytree(REAL_SEEDS, release / "seeds")
        release.chmod(0o755)  # the container's unprivileged user reads it
        path = release / "seeds" / "events" / f"{slug}.yaml"
        event = yaml.safe_load(path.read_text(encoding="utf-8"))
        event["title"] = event["title"] + " (corrected)"
        path.write_text(yaml.safe_dump(event, allow_unicode=True), encoding="utf-8")
        (release / "seeds" / "events" / f"{removed}.yaml").unlink()
        stack.must("run", "--rm", "--no-deps", "-v", f"{release / 'seeds'}:/app/seeds:ro", "seed")
    finally:
        shutil.rmtree(release)
    loaded = time.monotonic()
    while (answer := stack.get(url)).json()["title"] != event["title"]:
        assert answer.json()["title"] == old.json()["title"]
        assert time.monotonic() - loaded < EXPIRED_AFTER + 1.5, "the change is not visible"
        time.sleep(0.2)
    assert answer.headers["ETag"] != old.headers["ETag"]
    assert stack.get("/readyz").json()["data_version"] != version
    while (gone := stack.get(removed_url)).status != 410:
        assert gone.status == 200 and gone.headers["X-Cache-Status"] in FROM_CACHE, gone
        deadline = EXPIRED_AFTER + CACHE_MAX_AGE + 1.5
        assert time.monotonic() - loaded < deadline, "the removal is not visible"
        time.sleep(0.2)
    assert _is_problem(gone, 410)
