"""Driving one URL with wrk: a warm-up, then a fixed-length run read back as JSON.

Every server gets the same wrk settings (threads, connections, duration), so the numbers
compare servers, not load generators. Two exceptions keep a run honest and bounded:
- a request slower than `slow_seconds` on its own is driven with as many connections as the
  server has workers (`slow_connections`), for long enough to see several answers: sixteen
  connections would only measure a queue, and leave minutes of abandoned work behind;
- after a run, one more request waits for the server to finish what wrk left in flight.
wrk shares the two cores with the server, which caps the fastest (nginx) well below what
they could do alone; the CPU each side used is recorded with every run.
"""

import json
import math
import os
import resource
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk_report.lua")
MARKER = "BENCH_JSON "
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class LoadSettings:
    """wrk's knobs; the same for every (server, dataset, request)."""

    threads: int = 2
    connections: int = 16
    seconds: int = 7
    warmup_seconds: int = 2
    # Far above any healthy answer: a slow request is measured, not dropped as a timeout.
    timeout_seconds: int = 60
    slow_seconds: float = 0.25
    slow_connections: int = 2
    slow_max_seconds: int = 30


@dataclass
class Measurement:
    """What one wrk run saw."""

    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    requests: int
    non2xx: int
    connections: int
    seconds: int
    single_request_ms: float  # one request alone, before the run
    estimated: bool  # no answer within the run: figures from the single request
    socket_errors: dict = field(default_factory=dict)
    bytes_per_response: int = 0
    # CPU, in cores busy on average: the server's processes, wrk, and everything else on the
    # machine (other jobs share it: a high `other_cores` means a noisy measurement).
    server_cores: float = 0.0
    wrk_cores: float = 0.0
    other_cores: float = 0.0
    # Server CPU per answered request: unlike req/s, barely moved by other jobs.
    server_cpu_ms_per_request: float = 0.0

    @property
    def errors(self) -> int:
        """Answers that were not 2xx, plus timeouts (connection resets are reported apart)."""
        return self.non2xx + self.socket_errors.get("timeout", 0)


def _wrk(
    url: str,
    settings: LoadSettings,
    connections: int,
    seconds: int,
    script: bool,
    paths_file: Path | None = None,
) -> str:
    command = [
        "wrk",
        f"-t{min(settings.threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={settings.timeout_seconds}s",
    ]
    if script or paths_file:
        command += ["-s", str(SCRIPT)]
    completed = subprocess.run(
        [*command, url, *(["--", str(paths_file)] if paths_file else [])],
        capture_output=True,
        text=True,
        timeout=seconds + settings.timeout_seconds + 30,
        check=True,
    )
    return completed.stdout


def _timed_get(url: str) -> float:
    """Seconds one GET takes; it also queues behind whatever the server still has to do."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as answer:
        answer.read()
    return time.perf_counter() - started


def _process_cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def _machine_busy_seconds() -> float:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    url: str,
    settings: LoadSettings,
    server_pids: Callable[[], list[int]],
    paths_file: Path | None = None,
) -> Measurement:
    """Warm `url` up, load it for a fixed time, and return what wrk and /proc measured.

    With `paths_file`, wrk takes each request's path at random from that file (`url` is
    then one of them, used for the lone timed requests).
    """
    single = _timed_get(url)
    if single >= settings.slow_seconds:
        # Maybe the other worker's first time (per-worker caches): decide on a second look.
        single = min(single, _timed_get(url))
    connections, seconds = settings.connections, settings.seconds
    if single >= settings.slow_seconds:
        connections = settings.slow_connections
        seconds = min(settings.slow_max_seconds, max(seconds, math.ceil(6 * single)))
    elif settings.warmup_seconds:
        _wrk(url, settings, connections, settings.warmup_seconds, False, paths_file)
        _timed_get(url)  # let the server finish the warm-up requests wrk gave up on
    pids = server_pids()
    before = (_process_cpu_seconds(pids), _children_cpu_seconds(), _machine_busy_seconds())
    started = time.monotonic()
    output = _wrk(url, settings, connections, seconds, True, paths_file)
    wall = time.monotonic() - started
    server_cpu = _process_cpu_seconds(pids) - before[0]
    wrk_cpu = _children_cpu_seconds() - before[1]
    busy = _machine_busy_seconds() - before[2]
    _timed_get(url)  # drain, so the next run starts on an idle server
    line = next((line for line in output.splitlines() if line.startswith(MARKER)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report for {url}:\n{output}")
    data = json.loads(line.removeprefix(MARKER))
    requests, latency = data["requests"], data["latency_us"]
    if requests == 0:
        # Not one answer in the longest run we allow: fall back on the request timed alone
        # (sequential throughput), flagged, rather than report nothing.
        single_us = single * 1e6
        latency = {key: single_us for key in ("p50", "p90", "p99", "mean", "max")}
    return Measurement(
        requests_per_s=round(requests / (data["duration_us"] / 1e6), 1)
        if requests
        else round(1 / single, 3),
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=round(latency["mean"] / 1000, 3),
        max_ms=latency["max"] / 1000,
        estimated=requests == 0,
        requests=requests,
        non2xx=data["non2xx"],
        connections=connections,
        seconds=seconds,
        single_request_ms=round(single * 1000, 2),
        socket_errors={k: v for k, v in data["errors"].items() if k != "status"},
        bytes_per_response=data["bytes"] // requests if requests else 0,
        server_cores=round(server_cpu / wall, 2),
        wrk_cores=round(wrk_cpu / wall, 2),
        other_cores=round(max(0.0, busy - server_cpu - wrk_cpu) / wall, 2),
        server_cpu_ms_per_request=round(server_cpu * 1000 / requests, 2)
        if requests
        else round(single * 1000, 2),
    )
