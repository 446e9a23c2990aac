"""One real `timeline-api serve` (gunicorn) on a seeded SQLite file, shared by the e2e tests.

Both the HTTP and the browser tests talk to the process a deployment would run, so what
they check is what gunicorn, not Flask's test client, puts on the wire.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SEEDS, REPO_ROOT, free_port

STARTUP_TIMEOUT = 20.0
SHUTDOWN_TIMEOUT = 10.0
WORKERS = 2
# Settings a developer's shell might carry that would change what the tests see.
SCRUBBED_ENV = ("CORS_ORIGINS", "CACHE_MAX_AGE", "GUNICORN_CMD_ARGS", "PYTHONSTARTUP")

# Never route loopback requests through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Server:
    """A running server: where to reach it, its master process and its log."""

    base_url: str
    port: int
    pid: int
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Seed a temporary database with the CLI, then run `timeline-api serve` against it."""
    workdir = tmp_path_factory.mktemp("e2e")
    port = free_port()
    env = _server_env(f"sqlite:///{workdir / 'e2e.sqlite3'}", port)
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

    log = workdir / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*cli, "serve"],
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, to clean up after
        )
    server = Server(f"http://127.0.0.1:{port}", port, process.pid, log)
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
        yield server
    finally:
        _stop(process)
