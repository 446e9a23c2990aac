"""One real `timeline-api serve` (gunicorn) on a seeded SQLite file, shared by the e2e tests.

Both the HTTP and the browser tests talk to the process a deployment would run, so what
they check is what gunicorn, not Flask's test client, puts on the wire.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SEEDS, REPO_ROOT, free_port, require

STARTUP_TIMEOUT = 20.0
SHUTDOWN_TIMEOUT = 10.0
WORKERS = 2
# Settings a developer's shell might carry that would change what the tests see.
SCRUBBED_ENV = (
    "CORS_ORIGINS",
    "CACHE_MAX_AGE",
    "GUNICORN_CMD_ARGS",
    "PYTHONSTARTUP",
    "GUNICORN_THREADS",  # test_metrics relies on sync workers (one request at a time)
    "LOG_LEVEL",
    "LOG_FORMAT",
    "PROMETHEUS_MULTIPROC_DIR",  # gunicorn_conf.py then makes a fresh one for this server
)

# Never route loopback requests through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Server:
    """A running server: where to reach it, its master process and its logs."""

    base_url: str
    port: int
    pid: int
    log: Path  # stdout: the app's log lines (JSON)
    error_log: Path  # stderr: gunicorn's own log (start-up, workers)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_lines(self) -> list[str]:
        """The app's log lines so far."""
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def log_text(self) -> str:
        """Both logs, for failure messages."""
        return "".join(
            path.read_text(encoding="utf-8", errors="replace")
            for path in (self.error_log, self.log)
        )


def _server_env(database_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env.update(
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        PYTHONUNBUFFERED="1",
    )
    return env


def _answers(url: str) -> bool:
    try:
        with OPENER.open(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM lets gunicorn drain its workers; SIGKILL the group only if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: only its workers
        process.wait(timeout=5)


@contextmanager
def running_server(
    workdir: Path, workers: int = WORKERS
) -> Iterator[tuple[Server, subprocess.Popen]]:
    """Seed a database in `workdir` with the CLI, then run `timeline-api serve` on it."""
    port = free_port()
    env = _server_env(f"sqlite:///{workdir / 'e2e.sqlite3'}", port)
    env["WEB_CONCURRENCY"] = str(workers)
    cli = [sys.executable, "-m", "timeline_api.cli"]

    seeded = subprocess.run(
        [*cli, "seed", str(FIXTURE_SEEDS)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert seeded.returncode == 0, f"seeding failed:\n{seeded.stdout}\n{seeded.stderr}"

    log, error_log = workdir / "server.log", workdir / "server-errors.log"
    with log.open("wb") as log_file, error_log.open("wb") as error_log_file:
        process = subprocess.Popen(
            [*cli, "serve"],
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=error_log_file,
            start_new_session=True,  # a process group of its own, to clean up after
        )
    server = Server(f"http://127.0.0.1:{port}", port, process.pid, log, error_log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(server.url("/healthz")):
            if process.poll() is not None:
                pytest.fail(f"server exited with {process.returncode}:\n{server.log_text()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"no answer on /healthz in {STARTUP_TIMEOUT:.0f} s:\n{server.log_text()}"
                )
            time.sleep(0.1)
        yield server, process
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shared gunicorn server of the e2e tests, on the fixture seeds."""
    with running_server(tmp_path_factory.mktemp("e2e")) as (server, _):
        yield server


# The browser: Debian's Chromium driven by Playwright (never `playwright install`).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_TIMEOUT_MS = 10_000


# Module scope: Playwright's sync API allows one instance at a time, and a test module may
# still define its own `browser`.
@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One Chromium per test module; each test gets a fresh context (cookies, cache) of it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "the playwright package is not installed")
    require(
        CHROMIUM.exists() or shutil.which("chromium") is not None,
        f"no Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Recorder:
    """What a page did: every request, the ones blocked for leaving the server, uncaught
    script errors, and answers of 400 and up."""

    requested: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(browser, server: Server, recorder: Recorder) -> Iterator:
    """A fresh page that records every request and is kept off the outside network."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.on("request", lambda request: recorder.requested.append(request.url))
    page.on("pageerror", lambda error: recorder.page_errors.append(str(error)))
    page.on("response", recorder.on_response)
    local = server.base_url + "/"

    def only_local(route) -> None:
        # Never actually leave the machine; note what tried to.
        if route.request.url.startswith(local):
            route.continue_()
        else:
            recorder.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    yield page
    context.close()
