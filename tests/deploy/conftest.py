"""The compose stack as an operator runs it, shared by every test in tests/deploy.

One stack for the package, because building and starting it is the slow part: `up --build
--wait` (PostgreSQL, Redis, the one-shot seed job, three API replicas, the nginx proxy),
reached only through the proxy's port published on 127.0.0.1. `down -v` runs whatever
happens, and a failed test's report carries the stack's logs. Images the project does not
build come from ../shared/docker-standins/setup.sh where Docker Hub cannot be reached.
"""

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.support import IN_CI, REPO_ROOT, free_port, require

# Builds local images named like the official ones where Docker Hub cannot be reached.
STANDINS = REPO_ROOT.parent / "shared" / "docker-standins" / "setup.sh"
STANDIN_IMAGES = ("python:3.11-slim", "postgres:16", "nginx:1.27", "redis:7")
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
# The first build downloads every wheel from PyPI; later builds reuse the layer cache.
BUILD_TIMEOUT = 20 * 60
WAIT_TIMEOUT = 180  # seconds for the services to turn healthy after a (re)start
COMMAND_TIMEOUT = 5 * 60
# Variables of docker-compose.yml a developer's shell might set: the test wants its own.
SCRUBBED_ENV = (
    "POSTGRES_PASSWORD",
    "WEB_CONCURRENCY",
    "CORS_ORIGINS",
    "CACHE_MAX_AGE",
    "RATE_LIMIT",
    "API_REPLICAS",
    "TIMELINE_BIND",
    "PROXY_CACHE_MAX_SIZE",
    "PROXY_CACHE_TMPFS_SIZE",
)
REPLICAS = 3
# Short, so the tests see expiry, revalidation and a new release without waiting a minute.
CACHE_MAX_AGE = 3
# Per client address: high enough for the steady load of one client (the test runner),
# low enough for another client to spend it in a second or two.
RATE_LIMIT_COUNT, RATE_LIMIT_WINDOW = 400, "10second"
# Never route loopback requests through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Answer:
    status: int
    media_type: str
    headers: dict[str, str]
    body: bytes = field(repr=False)

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

    @property
    def network(self) -> str:
        return f"{self.project}_default"

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

    def logs(self, *services: str, since: str | None = None) -> str:
        args = ["logs", "--no-color", "--timestamps", *(["--since", since] if since else [])]
        result = self.compose(*args, *services, timeout=60)
        return result.stdout + result.stderr

    def containers(self, service: str) -> list[str]:
        """Ids of the service's containers, running or stopped, in replica order."""
        listed = self.must("ps", "-a", "--format", "{{.Name}} {{.ID}}", service).split("\n")
        return [line.split()[1] for line in sorted(filter(None, listed))]

    def state(self, container: str) -> dict:
        """The container's State from `docker inspect` (running or stopped)."""
        return json.loads(docker("inspect", container))[0]["State"]

    def up(self) -> None:
        self.must("up", "--wait", "--wait-timeout", str(WAIT_TIMEOUT), "--no-build")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, headers: dict[str, str] | None = None, timeout=10) -> Answer:
        request = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with OPENER.open(request, timeout=timeout) as response:
                return Answer(
                    response.status,
                    response.headers.get_content_type(),
                    dict(response.headers),
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            with error:
                return Answer(
                    error.code, error.headers.get_content_type(), dict(error.headers), error.read()
                )

    def psql(self, sql: str) -> str:
        return self.must(
            "exec", "-T", "db", "psql", "-U", "timeline", "-d", "timeline", "-tAc", sql
        ).strip()

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


def docker(*args: str, timeout: float = COMMAND_TIMEOUT) -> str:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"docker {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


def start_docker() -> None:
    """A Docker engine with the Compose plugin and the base images, or skip (fail under CI)."""
    # setup.sh installs Docker where it is missing, which only CI should have done for it.
    require(shutil.which("docker") is not None or IN_CI, "docker is not installed")
    require(STANDINS.is_file(), f"no image stand-ins script at {STANDINS}")
    setup = subprocess.run(
        ["bash", str(STANDINS), *STANDIN_IMAGES],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert setup.returncode == 0, f"{STANDINS} failed:\n{setup.stdout}{setup.stderr}"


class AttachLogsOnFailure:
    """A plugin for the stack's lifetime: a failed test's report ends with the stack's logs."""

    def __init__(self, stack: Stack):
        self.stack = stack

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if report.when == "call" and report.failed and "stack" in item.fixturenames:
            report.sections.append(("docker compose logs", self.stack.logs()[-200_000:]))
        return report


@pytest.fixture(scope="package")
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    start_docker()
    project = f"timeline-test-{uuid.uuid4().hex[:8]}"
    image = f"timeline-api:{project}"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED_ENV}
    env.update(
        TIMELINE_PORT=str(port),
        TIMELINE_IMAGE=image,
        API_REPLICAS=str(REPLICAS),
        CACHE_MAX_AGE=str(CACHE_MAX_AGE),
        RATE_LIMIT=f"{RATE_LIMIT_COUNT}/{RATE_LIMIT_WINDOW}",
        PROXY_CACHE_MAX_SIZE="32m",
        PROXY_CACHE_TMPFS_SIZE="64m",
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
        subprocess.run(["docker", "image", "rm", image], capture_output=True, timeout=120)
        assert not stack.leftovers(), f"left behind: {stack.leftovers()}"
