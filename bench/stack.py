"""`python -m bench.stack` (`make bench-stack`): the compose topology under wrk.

Brings up docker-compose.yml (the nginx proxy, API replicas, PostgreSQL, Redis) with the
repository's seeds under a project of its own, and measures, with CPU per part:

- repeated URLs through the proxy (answered from its cache), against the same nginx image
  serving the same bytes as static files: how close the cache comes to the machine's limit;
- the same through the port published on 127.0.0.1 (Docker's userland proxy in between);
- requests every replica must render (each one `Cache-Control: no-cache` at the proxy, the
  API's own response cache off: RESPONSE_CACHE_ENTRIES=0), with 1, 2 and 3 replicas.

wrk reaches the containers at their addresses on the project's bridge network, as traffic
from outside arrives through Docker's NAT; rate limits are off (one wrk address would
spend any budget). Results go to bench/results/stack.json and a table on stdout.
Environment: BENCH_SECONDS (default 7), BENCH_REPLICAS (default 1,2,3).
"""

import json
import os
import platform
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load import MARKER, SCRIPT, TICKS, LoadSettings, _children_cpu_seconds, _wrk
from bench.tools import ensure_debian_tools

ROOT = Path(__file__).resolve().parent.parent
STANDINS = ROOT.parent / "shared" / "docker-standins" / "setup.sh"
RESULTS = Path(__file__).resolve().parent / "results" / "stack.json"
PROJECT = "timeline-bench"
IMAGE = "timeline-api:bench"
REPEATED = "/api/v1/events?limit=20"
# Requests every replica must render: lists, filters, details, search, facets, tags.
RENDERED = [
    *(f"/api/v1/events?limit={n}" for n in range(1, 21)),
    *(f"/api/v1/events?year={y}" for y in (2020, 2024)),
    "/api/v1/events?type=statement",
    "/api/v1/events?q=data",
    "/api/v1/events?q=surveillance",
    "/api/v1/events/facets",
    "/api/v1/tags",
    "/api/v1/sources",
    "/api/v1/actors",
    "/api/v1/events/global-initiative-on-data-security-launch",
    "/api/v1/events/mao-ning-2024-response-to-us-executive-order",
]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _run(*argv: str, env: dict | None = None, timeout: float = 1200) -> str:
    result = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"bench-stack: {' '.join(argv)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


COMPOSE = ["docker", "compose", "-f", "docker-compose.yml", "-f", "bench/compose.bench.yml"]


def _compose_env(replicas: int, response_cache: bool) -> dict[str, str]:
    return {
        **os.environ,
        "TIMELINE_IMAGE": IMAGE,
        "TIMELINE_PORT": "0",  # any free port on 127.0.0.1
        "API_REPLICAS": str(replicas),
        "RATE_LIMIT": "",
        "CACHE_MAX_AGE": "3600",
        "RESPONSE_CACHE_ENTRIES": "2048" if response_cache else "0",
    }


def _compose(*args: str, replicas: int = 1, response_cache: bool = True) -> str:
    return _run(*COMPOSE, "-p", PROJECT, *args, env=_compose_env(replicas, response_cache))


def _address(container: str, network: str) -> str:
    inspected = json.loads(_run("docker", "inspect", container))[0]
    return inspected["NetworkSettings"]["Networks"][network]["IPAddress"]


def _cgroup_cpu_seconds(container_id: str) -> float:
    """CPU the container's processes used (cgroup v1 cgroupfs or v2), in seconds."""
    for path, scale in (
        (f"/sys/fs/cgroup/cpuacct/docker/{container_id}/cpuacct.usage", 1e-9),
        (f"/sys/fs/cgroup/docker/{container_id}/cpu.stat", 1e-6),
        (f"/sys/fs/cgroup/system.slice/docker-{container_id}.scope/cpu.stat", 1e-6),
    ):
        try:
            text = Path(path).read_text()
        except OSError:
            continue
        if path.endswith("cpu.stat"):
            text = next(line for line in text.splitlines() if line.startswith("usage_usec"))
            text = text.split()[1]
        return int(text) * scale
    return 0.0


def _process_cpu_seconds(name: str) -> float:
    """CPU of every process called `name` (dockerd writes every container's log lines)."""
    total = 0
    for pid in _run("pgrep", "-x", name, timeout=10).split() if _has_process(name) else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _has_process(name: str) -> bool:
    return subprocess.run(["pgrep", "-x", name], capture_output=True).returncode == 0


def _machine_busy_seconds() -> float:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


class Parts:
    """CPU readings of each part of the stack, taken around a run."""

    def __init__(self, containers: dict[str, list[str]]):
        self.containers = containers  # part -> full container ids

    def read(self) -> dict[str, float]:
        readings = {
            part: sum(_cgroup_cpu_seconds(container) for container in ids)
            for part, ids in self.containers.items()
        }
        readings["docker (logs, port proxy)"] = sum(
            _process_cpu_seconds(name) for name in ("dockerd", "containerd", "docker-proxy")
        )
        readings["wrk"] = _children_cpu_seconds()
        readings["machine"] = _machine_busy_seconds()
        return readings


def measure(url: str, parts: Parts, seconds: int, headers=(), paths: list[str] | None = None):
    """A 2 s warm-up, then a `seconds` run of wrk (2 threads, 16 connections) on `url` (or on
    paths drawn at random from `paths`), with the CPU cores each part kept busy."""
    settings = LoadSettings(seconds=seconds)
    paths_file = None
    if paths:
        paths_file = Path(tempfile.mkstemp(suffix=".txt")[1])
        paths_file.write_text("\n".join(paths) + "\n")
    extra = [argument for header in headers for argument in ("-H", header)]
    try:
        _wrk_with(url, settings, 2, extra, paths_file)
        before = parts.read()
        started = time.monotonic()
        output = _wrk_with(url, settings, seconds, extra, paths_file)
        wall = time.monotonic() - started
        after = parts.read()
    finally:
        if paths_file:
            paths_file.unlink()
    line = next(line for line in output.splitlines() if line.startswith(MARKER))
    data = json.loads(line.removeprefix(MARKER))
    cores = {part: round((after[part] - before[part]) / wall, 2) for part in before}
    named = sum(value for part, value in cores.items() if part != "machine")
    cores["other"] = round(max(0.0, cores.pop("machine") - named), 2)
    requests = data["requests"]
    rate = requests / (data["duration_us"] / 1e6)
    return {
        "requests_per_s": round(rate),
        # CPU per answer of each part that served it: unlike req/s, barely moved by the
        # other jobs sharing the machine.
        "cpu_us_per_request": {
            part: round(value * 1e6 / rate)
            for part, value in cores.items()
            if part not in ("wrk", "other") and value >= 0.02
        },
        "p50_ms": data["latency_us"]["p50"] / 1000,
        "p99_ms": data["latency_us"]["p99"] / 1000,
        "non2xx": data["non2xx"],
        "socket_errors": {k: v for k, v in data["errors"].items() if k != "status" and v},
        "requests": requests,
        "cores": cores,
    }


def _wrk_with(url, settings, seconds, extra, paths_file) -> str:
    """bench.load's wrk command with extra arguments (headers)."""
    if not extra:
        return _wrk(url, settings, settings.connections, seconds, True, paths_file)
    command = [
        "wrk", f"-t{settings.threads}", f"-c{settings.connections}", f"-d{seconds}s",
        f"--timeout={settings.timeout_seconds}s", "-s", str(SCRIPT), *extra, url,
        *(["--", str(paths_file)] if paths_file else []),
    ]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 120, check=True
    ).stdout


def _wait_ready(base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with OPENER.open(base + "/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("bench-stack: the stack did not become ready")
        time.sleep(1)


def _container_ids(service: str) -> list[str]:
    return _compose("ps", "-q", "--no-trunc", service).split()


def main() -> None:
    ensure_debian_tools()
    seconds = int(os.environ.get("BENCH_SECONDS", "7"))
    replica_counts = [int(n) for n in os.environ.get("BENCH_REPLICAS", "1,2,3").split(",")]
    _run("bash", str(STANDINS), "python:3.11-slim", "postgres:16", "nginx:1.27", "redis:7")
    network = f"{PROJECT}_default"
    results: dict = {
        "machine": {"cores": os.cpu_count(), "processor": platform.processor() or "unknown"},
        "seconds": seconds,
        "wrk": "2 threads, 16 connections",
        "runs": {},
    }
    static_container = None
    try:
        _compose("up", "--build", "--wait", "--wait-timeout", "300", replicas=1)
        (proxy,) = _container_ids("proxy")
        proxy_address = _address(proxy, network)
        proxy_url = f"http://{proxy_address}"
        _wait_ready(proxy_url)
        published = _compose("port", "proxy", "80").strip()

        def parts() -> Parts:
            return Parts(
                {
                    "proxy": [proxy],
                    "api": _container_ids("api"),
                    "db": _container_ids("db"),
                    "redis": _container_ids("redis"),
                }
            )

        # The same bytes as a static file, served by the same nginx image on the same network.
        with OPENER.open(proxy_url + REPEATED) as answer:
            body = answer.read()
        static_dir = Path(tempfile.mkdtemp(prefix="timeline-bench-static-"))
        (static_dir / "api" / "v1").mkdir(parents=True)
        (static_dir / "api" / "v1" / "events").write_bytes(body)
        for path in (static_dir, static_dir / "api", static_dir / "api" / "v1"):
            path.chmod(0o755)
        (static_dir / "api" / "v1" / "events").chmod(0o644)
        static_container = _run(
            "docker", "run", "-d", "--network", network,
            "-v", f"{static_dir}:/usr/share/nginx/html:ro", "nginx:1.27",
        ).strip()  # fmt: skip
        static_url = f"http://{_address(static_container, network)}"
        time.sleep(1)
        static_parts = Parts({"static nginx": [static_container]})

        runs = results["runs"]
        print("bench-stack: static nginx, repeated URL", flush=True)
        runs["static nginx, same bytes"] = measure(static_url + REPEATED, static_parts, seconds)
        print("bench-stack: proxy cache, repeated URL", flush=True)
        runs["proxy cache hit"] = measure(proxy_url + REPEATED, parts(), seconds)
        print("bench-stack: proxy cache, through the published port", flush=True)
        runs["proxy cache hit, published port"] = measure(
            f"http://{published}{REPEATED}", parts(), seconds
        )
        # Every request rendered: no-cache at the proxy, no response cache in the API.
        for replicas in replica_counts:
            _compose(
                "up", "-d", "--wait", "--no-build", "--scale", f"api={replicas}",
                replicas=replicas, response_cache=False,
            )  # fmt: skip
            _wait_ready(proxy_url)
            print(f"bench-stack: rendered by {replicas} replica(s)", flush=True)
            runs[f"rendered, {replicas} replica(s)"] = measure(
                proxy_url + RENDERED[0],
                parts(),
                seconds,
                headers=["Cache-Control: no-cache"],
                paths=RENDERED,
            )
    finally:
        if static_container:
            subprocess.run(["docker", "rm", "-f", static_container], capture_output=True)
        subprocess.run(
            [*COMPOSE, "-p", PROJECT, "down", "-v", "--remove-orphans"],
            cwd=ROOT, env=_compose_env(1, True), capture_output=True, timeout=300,
        )  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(_table(results))


def _table(results: dict) -> str:
    header = (
        "| run | req/s | p50 / p99 ms | cores busy (by part) | CPU per request |\n"
        "|---|---|---|---|---|"
    )
    rows = []
    for name, run in results["runs"].items():
        cores = ", ".join(f"{part} {value}" for part, value in run["cores"].items() if value)
        errors = run["non2xx"] + sum(run["socket_errors"].values())
        rows.append(
            f"| {name} | {run['requests_per_s']:,} | {run['p50_ms']:.1f} / {run['p99_ms']:.1f} | "
            f"{cores}{f'; {errors} errors' if errors else ''} | "
            + ", ".join(f"{part} {us:,} µs" for part, us in run["cpu_us_per_request"].items())
            + " |"
        )
    return "\n".join([header, *rows])


if __name__ == "__main__":
    main()
