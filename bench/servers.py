"""The four servers under test, each started on a free loopback port and stopped by its pid.

- ours: `timeline-api serve`, the production configuration (gunicorn, 2 workers);
- bare: a bare Flask app answering stored bytes under the same gunicorn configuration;
- nginx: the same bytes as static files (what the machine can do at all);
- datasette: Datasette serving a copy of the same SQLite file in immutable mode.

`PeakMemory` reads each worker's VmHWM (peak resident memory) while the server is loaded.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.appsource import AppSource

HOST = "127.0.0.1"
WORKERS = 2  # gunicorn workers of ours and bare, and nginx worker processes
ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV_BIN = ROOT / "bench" / ".venv" / "bin"
START_TIMEOUT = 90  # seconds; Datasette inspects a 100k-row file before it answers
# Datasette settings: no facet suggestions (our API computes none), and time limits far
# above any answer, so a slow facet is measured rather than cut short as "timed out".
DATASETTE_SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": "30000",
    "facet_time_limit_ms": "30000",
    "max_returned_rows": "5000",
}


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command may contain spaces and parentheses: the fields after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return children


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class RunningServer:
    """A started server: where it listens, its log, and which processes do the work."""

    name: str
    process: subprocess.Popen
    port: int
    log_path: Path
    single_process: bool = False  # Datasette: the process itself serves

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_pids(self) -> list[int]:
        if self.single_process:
            return [self.process.pid]
        return _children(self.process.pid)

    def all_pids(self) -> list[int]:
        """The server's own process and its workers: whose CPU time counts as the server's."""
        return [self.process.pid, *_children(self.process.pid)]

    def stop(self) -> None:
        """Ask the server to stop (SIGTERM to its own pid), and kill it if it will not."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class PeakMemory:
    """Samples the workers' VmHWM in the background; `stop()` returns the peak per worker."""

    server: RunningServer
    interval: float = 0.5
    peaks_kb: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        for pid in self.server.worker_pids():
            peak = _status_kb(pid, "VmHWM")
            if peak is not None:
                self.peaks_kb[pid] = max(peak, self.peaks_kb.get(pid, 0))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def stop(self) -> dict[int, int]:
        self._sample()
        self._stop.set()
        self._thread.join()
        return dict(self.peaks_kb)


def _start(
    name: str,
    command: list[str],
    port: int,
    ready_path: str,
    log_path: Path,
    env: dict[str, str] | None = None,
    single_process: bool = False,
    cwd: Path = ROOT,
) -> RunningServer:
    log = log_path.open("wb")
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    log.close()
    server = RunningServer(name, process, port, log_path, single_process)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start-up:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base_url + ready_path, timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer {ready_path} in {START_TIMEOUT} s")


def _gunicorn_env(source: AppSource, **extra: str) -> dict[str, str]:
    env = source.env(WEB_CONCURRENCY=str(WORKERS), HOST=HOST, **extra)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each server makes its own
    return env


def start_ours(
    db_path: Path,
    workdir: Path,
    label: str,
    source: AppSource,
    name: str = "ours",
    **settings: str,
) -> RunningServer:
    """`timeline-api serve` on `db_path`: the configuration production runs (`settings`:
    environment variables to change, e.g. RESPONSE_CACHE_ENTRIES="0"); `name` "before" for
    the code of BENCH_BEFORE."""
    port = free_port()
    script = Path(sys.executable).with_name("timeline-api")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "timeline_api.cli"]
    env = _gunicorn_env(
        source, DATABASE_URL=f"sqlite:///{db_path.resolve()}", PORT=str(port), **settings
    )
    log = workdir / f"{name}-{label}{'-' if settings else ''}{'-'.join(settings)}.log"
    return _start(name, [*command, "serve"], port, "/readyz", log, env, cwd=source.root)


def start_bare(routes_file: Path, workdir: Path, label: str, source: AppSource) -> RunningServer:
    """bench.bare_app under gunicorn with timeline_api's gunicorn configuration."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:timeline_api.gunicorn_conf",
        "--bind",
        f"{HOST}:{port}",
        "bench.bare_app:app",
    ]
    env = _gunicorn_env(source, BENCH_BARE_ROUTES=str(routes_file), PORT=str(port))
    first_path = next(iter(json.loads(routes_file.read_text(encoding="utf-8"))))
    log = workdir / f"bare-{label}.log"
    return _start("bare", command, port, first_path, log, env, cwd=source.root)


def start_nginx(static_dir: Path, workdir: Path, label: str, first_file: str) -> RunningServer:
    """nginx serving `static_dir`, configured from scratch in `workdir` (no system config)."""
    port = free_port()
    prefix = workdir / f"nginx-{label}"
    prefix.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"  {kind}_temp_path {prefix}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes {WORKERS};\n"
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "  access_log off;\n"
        "  default_type application/json;\n"
        "  sendfile on;\n"
        "  tcp_nopush on;\n"
        f"{temp_paths}"
        f"  server {{\n    listen {HOST}:{port};\n    root {static_dir};\n"
        "    location / { try_files $uri =404; }\n  }\n"
        "}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [
        nginx,
        "-e",
        str(prefix / "error.log"),
        "-p",
        str(prefix),
        "-c",
        str(prefix / "nginx.conf"),
        "-g",
        "daemon off;",
    ]
    return _start("nginx", command, port, f"/{first_file}", workdir / f"nginx-{label}.log")


def start_datasette(copy_path: Path, workdir: Path, label: str) -> RunningServer:
    """`datasette serve -i FILE`: immutable (read-only) mode, as its docs advise for
    publishing data that does not change."""
    port = free_port()
    command = [str(BENCH_VENV_BIN / "datasette"), "serve", "-i", str(copy_path)]
    command += ["--host", HOST, "--port", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, value]
    log = workdir / f"datasette-{label}.log"
    return _start("datasette", command, port, "/-/versions.json", log, single_process=True)
