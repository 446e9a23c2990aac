"""The compose stack as an operator runs it: the image built from the Dockerfile, on PostgreSQL.

One stack for the module, because building and starting it is the slow part: `up --build
--wait`, then the API through its port published on 127.0.0.1, then restarts that must keep
the data. `down -v` runs whatever happens, and a failed test's report carries the logs.
"""

import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml

from tests.support import REAL_SEEDS, REPO_ROOT, free_port, require

pytestmark = pytest.mark.e2e

# Builds local images named like the official ones where Docker Hub cannot be reached.
STANDINS = REPO_ROOT.parent / "shared" / "docker-standins" / "setup.sh"
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
# The first build downloads every wheel from PyPI; later builds reuse the layer cache.
BUILD_TIMEOUT = 20 * 60
WAIT_TIMEOUT = 180  # seconds for the services to turn healthy after a (re)start
COMMAND_TIMEOUT = 5 * 60
# Variables of docker-compose.yml a developer's shell might set: the test wants its defaults.
SCRUBBED_ENV = (
    "POSTGRES_PASSWORD",
    "WEB_CONCURRENCY",
    "CORS_ORIGINS",
    "CACHE_MAX_AGE",
    "FORWARDED_ALLOW_IPS",
    "RATE_LIMIT",
)
RATE_LIMIT = 60  # per minute, low enough to reach in a test
# Never route loopback requests through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SEED_SLUGS = {
    yaml.safe_load(path.read_text(encoding="utf-8"))["slug"]
    for path in (REAL_SEEDS / "events").glob("*.yaml")
}


@dataclass
class Answer:
    status: int
    media_type: str
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Stack:
    """A compose project and image tag of its own: other stacks and test runs (another
    checkout building its own image, say) never touch it, nor it them."""

    project: str
    port: int
    image: str
    env: dict[str, str]

    def compose(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
        argv = ["docker", "compose", "-f", str(COMPOSE_FILE), "-p", self.project, *args]
        return subprocess.run(
            argv, env=self.env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
        )

    def must(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
        result = self.compose(*args, timeout=timeout)
        if result.returncode != 0:
            output = (result.stdout + result.stderr)[-10_000:]
            pytest.fail(
                f"docker compose {' '.join(args)} failed:\n{output}\n"
                f"--- docker compose logs ---\n{self.logs()}"
            )
        return result.stdout

    def logs(self) -> str:
        result = self.compose("logs", "--no-color", "--timestamps", timeout=60)
        return result.stdout + result.stderr

    def state(self, service: str) -> dict:
        """The container's State from `docker inspect` (running or stopped)."""
        (container,) = self.must("ps", "-a", "-q", service).split()
        inspected = subprocess.run(
            ["docker", "inspect", container], capture_output=True, text=True, timeout=60
        )
        return json.loads(inspected.stdout)[0]["State"]

    def up(self) -> None:
        self.must("up", "--wait", "--wait-timeout", str(WAIT_TIMEOUT), "--no-build")

    def get(self, path: str) -> Answer:
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with OPENER.open(url, timeout=10) as response:
                return Answer(response.status, response.headers.get_content_type(), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, error.headers.get_content_type(), error.read())

    def leftovers(self) -> list[str]:
        label = f"label=com.docker.compose.project={self.project}"
        found = []
        for kind in (["ps", "-a"], ["volume", "ls"], ["network", "ls"]):
            listed = subprocess.run(
                ["docker", *kind, "-q", "--filter", label], capture_output=True, text=True
            )
            found += [f"{kind[0]} {name}" for name in listed.stdout.split()]
        image = subprocess.run(["docker", "image", "inspect", self.image], capture_output=True)
        return found + ([f"image {self.image}"] if image.returncode == 0 else [])


class AttachLogsOnFailure:
    """A plugin for the stack's lifetime: a failed test's report ends with the stack's logs."""

    def __init__(self, stack: Stack):
        self.stack = stack

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if report.when == "call" and report.failed and "stack" in item.fixturenames:
            report.sections.append(("docker compose logs", self.stack.logs()))
        return report


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    require(shutil.which("docker") is not None, "docker is not installed")
    require(STANDINS.is_file(), f"no image stand-ins script at {STANDINS}")
    setup = subprocess.run(
        ["bash", str(STANDINS), "python:3.11-slim", "postgres:16"],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert setup.returncode == 0, f"{STANDINS} failed:\n{setup.stdout}{setup.stderr}"

    project = f"timeline-test-{uuid.uuid4().hex[:8]}"
    image = f"timeline-api:{project}"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED_ENV}
    env.update(
        TIMELINE_PORT=str(port),
        TIMELINE_IMAGE=image,
        TIMELINE_REDIS_IMAGE=f"timeline-redis:{project}",
        RATE_LIMIT=f"{RATE_LIMIT}/minute",
    )
    stack = Stack(project, port, image, env)
    plugin = AttachLogsOnFailure(stack)
    request.config.pluginmanager.register(plugin)
    try:
        stack.must(
            "up", "--build", "--wait", "--wait-timeout", str(WAIT_TIMEOUT), timeout=BUILD_TIMEOUT
        )
        yield stack
    finally:
        request.config.pluginmanager.unregister(plugin)
        stack.compose("down", "--volumes", "--remove-orphans", "--timeout", "30")
        # Only the runtime stage's layers go; the builder stage's stay cached for the next run.
        for tag in (image, f"timeline-redis:{project}"):
            subprocess.run(["docker", "image", "rm", tag], capture_output=True, timeout=120)
        assert not stack.leftovers(), f"left behind: {stack.leftovers()}"


def test_ready_with_the_seeded_events(stack: Stack):
    ready = stack.get("/readyz")
    assert ready.status == 200, ready.body
    assert ready.json()["events"] == len(SEED_SLUGS)


def test_events_are_served_from_postgresql(stack: Stack):
    answer = stack.get("/api/v1/events?limit=100")
    assert answer.status == 200, answer.body
    body = answer.json()
    assert body["total"] == len(SEED_SLUGS)
    assert {event["slug"] for event in body["items"]} == SEED_SLUGS
    # The data is in the db service, not in a SQLite file inside the api container.
    count = stack.must(
        "exec", "-T", "db", "psql", "-U", "timeline", "-d", "timeline", "-tAc",
        "SELECT count(*) FROM event",
    )  # fmt: skip
    assert int(count) == len(SEED_SLUGS)


def test_full_text_search_on_postgresql(stack: Stack):
    answer = stack.get("/api/v1/events?q=surveillance")
    assert answer.status == 200, answer.body
    found = {event["slug"]: event for event in answer.json()["items"]}
    hit = found.get("unhrc-privacy-dialogue-china-surveillance-statement")
    assert hit is not None, sorted(found)
    assert re.search(r"<mark>surveillance</mark>", hit["snippet"], re.IGNORECASE), hit
    assert stack.get("/api/v1/events?q=zyxwvutsrq").json()["total"] == 0


def test_swagger_ui_and_its_assets(stack: Stack):
    page = stack.get("/api/v1/docs")
    assert page.status == 200 and page.media_type == "text/html"
    assert b"swagger-ui" in page.body
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', page.body.decode())
    assert assets, page.body
    for asset in assets:
        answer = stack.get(asset)
        assert answer.status == 200 and answer.body, asset
    assert stack.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def _dataset(stack: Stack) -> dict:
    # loaded_at is when the data last changed: a database seeded afresh gets a new one.
    ready = stack.get("/readyz").json()
    return {key: ready[key] for key in ("events", "data_version", "loaded_at")}


def test_data_survives_restart_and_stop_start(stack: Stack):
    before = _dataset(stack)
    started = stack.state("api")["StartedAt"]

    stack.must("restart")
    stack.up()
    assert stack.state("api")["StartedAt"] != started
    assert _dataset(stack) == before

    stack.must("stop")
    # gunicorn (PID 1) got SIGTERM and shut down cleanly: not killed after the grace period.
    assert stack.state("api")["ExitCode"] == 0
    stack.up()
    assert _dataset(stack) == before
    assert stack.get("/api/v1/events").json()["total"] == len(SEED_SLUGS)


def test_rate_limit_is_shared_by_every_worker_through_redis(stack: Stack):
    """Runs last: it spends the client's budget. With per-worker counts (no shared store),
    two workers would each count alone and Remaining would not fall one by one."""
    remaining = []
    status = 200
    for _ in range(RATE_LIMIT + 1):
        url = f"http://127.0.0.1:{stack.port}/api/v1/tags"
        try:
            with OPENER.open(url, timeout=10) as response:
                remaining.append(int(response.headers["X-RateLimit-Remaining"]))
        except urllib.error.HTTPError as error:
            with error:
                status = error.code
                assert error.headers.get_content_type() == "application/problem+json"
                assert int(error.headers["Retry-After"]) > 0
            break
    assert status == 429, remaining
    assert remaining == list(range(remaining[0], -1, -1)), remaining
