"""The production server on a loopback port, seeded into a temporary SQLite database."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class RunningServer:
    base_url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_server(seeds: Path, workers: int = 2) -> Iterator[RunningServer]:
    """`timeline-api seed` then `timeline-api serve`, exactly as an operator runs them."""
    folder = Path(tempfile.mkdtemp(prefix="timeline-reliability-"))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'timeline.sqlite3'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
    }
    cli = [sys.executable, "-m", "timeline_api.cli"]
    subprocess.run(
        [*cli, "seed", str(seeds)], env=env, check=True, cwd=REPO_ROOT, stdout=subprocess.DEVNULL
    )
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [*cli, "serve"], env=env, cwd=REPO_ROOT, stdout=log, stderr=log, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base_url + "/readyz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(
                        f"server did not start; see {folder / 'server.log'}"
                    ) from None
                time.sleep(0.2)
        yield RunningServer(base_url, process)
    finally:
        process.terminate()
        process.wait(30)
        log.close()
