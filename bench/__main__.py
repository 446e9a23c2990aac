"""`python -m bench` (`make bench`): how the API holds up at 1k, 10k and 100k events.

For each dataset size it generates seeds, loads them with the real loader, then serves the
same data with our API, a bare Flask app, nginx and Datasette, drives five requests on each
with wrk, and writes bench/results/ (JSON, throughput.png) and the issue's ratio table.

Environment: BENCH_QUICK=1 (1k and 10k only, 3 s runs: a smoke test), BENCH_SIZES=1000,10000,
BENCH_SECONDS=7, BENCH_SERVERS=ours,bare,nginx,datasette, BENCH_FRESH=1 (reload databases
even when the cached ones are up to date), BENCH_PROFILE=0 (skip the in-process profile),
BENCH_BEFORE=<git ref> (also serve that commit's code, on the same data loaded by its own
loader, right after ours, and report ours/before ratios).
"""

import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path

from bench import report
from bench.appsource import AppSource, app_source
from bench.databases import datasette_copy, load_database, profile_load
from bench.datasets import DatasetInfo, generate
from bench.load import LoadSettings, Measurement, measure
from bench.profiling import profile_requests
from bench.scenarios import (
    EQUIVALENCE,
    check_answer,
    check_varied,
    datasette_paths,
    our_paths,
    static_paths,
)
from bench.servers import (
    WORKERS,
    PeakMemory,
    RunningServer,
    start_bare,
    start_datasette,
    start_nginx,
    start_ours,
)
from bench.tools import ensure_tools
from bench.varied import COUNT as VARIED_COUNT
from bench.varied import varied_paths

DATA_DIR = Path(__file__).resolve().parent / "data"
ROOT = DATA_DIR.parent.parent


def _config() -> tuple[list[int], LoadSettings, list[str], bool]:
    quick = os.environ.get("BENCH_QUICK") == "1"
    sizes = [1000, 10000] if quick else [1000, 10000, 100000]
    if os.environ.get("BENCH_SIZES"):
        sizes = [int(size) for size in os.environ["BENCH_SIZES"].split(",")]
    seconds = int(os.environ.get("BENCH_SECONDS") or (3 if quick else 7))
    settings = LoadSettings(seconds=seconds, warmup_seconds=1 if quick else 2)
    servers = (os.environ.get("BENCH_SERVERS") or ",".join(report.SERVERS)).split(",")
    return sizes, settings, servers, quick


def _command_output(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    except OSError:
        return ""
    return (completed.stdout + completed.stderr).strip()


def _machine(bench_python: Path, source: AppSource) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    datasette = _command_output([str(bench_python.with_name("datasette")), "--version"])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "memory_gb": round(total_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": _command_output(["wrk", "--version"]).splitlines()[0:1],
        "nginx": _command_output([shutil.which("nginx") or "/usr/sbin/nginx", "-v"]),
        "datasette": datasette,
        "app": source.label,
    }


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as answer:
        if answer.status != 200:
            raise RuntimeError(f"{url}: HTTP {answer.status}")
        return answer.read()


def _record(
    results: dict,
    server: RunningServer,
    size: int,
    request: str,
    mode: str,
    path: str,
    answer: str,
    result: Measurement,
) -> None:
    results["runs"].append(
        {
            "server": server.name,
            "size": size,
            "request": request,
            "mode": mode,
            "url": path,
            "answer": answer,
            **asdict(result),
            "errors": result.errors,
        }
    )
    print(
        f"{size:>8,} {server.name:<10}{request:<9}{mode:<9}{result.requests_per_s:>9,.1f} req/s"
        f"  p50 {result.p50_ms:>8.2f} ms  p99 {result.p99_ms:>8.2f} ms  "
        f"errors {result.errors}  ({answer})"
        + (" [estimated: no answer within the run]" if result.estimated else ""),
        flush=True,
    )


def _bench_server(
    server: RunningServer,
    paths: dict[str, str],
    settings: LoadSettings,
    size: int,
    results: dict,
    expected: dict[str, bytes] | None = None,
    varied: dict[str, list[str]] | None = None,
    workdir: Path | None = None,
    varied_mode: str = "varied",
    memory_label: str | None = None,
) -> dict[str, bytes]:
    """Check, then load, each request on `server`; record runs and memory; return bodies.

    Each request is loaded at its fixed URL, then (with `varied`) drawn from its list of
    distinct URLs of the same kind, recorded as `varied_mode`; with varied_mode "uncached"
    (a server without its response cache) only the varied URLs are loaded.
    """
    memory = PeakMemory(server)
    bodies = {}
    try:
        for request, path in paths.items():
            url = server.base_url + path
            body = _fetch(url)
            if expected is not None and body != expected[request]:
                raise RuntimeError(f"{server.name} {request}: not the bytes our API answered")
            answer = check_answer(server.name, request, json.loads(body))
            bodies[request] = body
            if varied_mode != "uncached":
                result = measure(url, settings, server.all_pids)
                _record(results, server, size, request, "fixed", path, answer, result)
            if varied is None or workdir is None:
                continue
            choices = varied[request]
            for sample in choices[:3]:  # every kind of URL answers, and in the right shape
                check_varied(server.name, request, json.loads(_fetch(server.base_url + sample)))
            paths_file = workdir / f"paths-{server.name}-{size}-{request}.txt"
            paths_file.write_text("\n".join(choices) + "\n")
            result = measure(server.base_url + choices[0], settings, server.all_pids, paths_file)
            answer = f"{len(choices)} distinct URLs"
            _record(results, server, size, request, varied_mode, choices[0], answer, result)
    finally:
        peaks = memory.stop()
        server.stop()
    results["memory"].append(report.summarise_memory(memory_label or server.name, size, peaks))
    return bodies


def _bench_our_code(
    server: RunningServer,
    db_path: Path,
    workdir: Path,
    settings: LoadSettings,
    info: DatasetInfo,
    results: dict,
    source: AppSource,
    varied: dict[str, list[str]],
) -> dict[str, bytes]:
    """Fixed and varied URLs on `server`, then the varied ones on a second server of the
    same code without its response cache: the queries alone, whatever share of the URLs a
    worker's cache holds at this size. Returns the bodies `server` answered."""
    paths = our_paths(info)
    bodies = _bench_server(server, paths, settings, info.size, results, None, varied, workdir)
    uncached = start_ours(
        db_path, workdir, str(info.size), source, name=server.name, RESPONSE_CACHE_ENTRIES="0"
    )
    _bench_server(
        uncached,
        paths,
        settings,
        info.size,
        results,
        None,  # its answers name its own port in their links
        varied,
        workdir,
        varied_mode="uncached",
        memory_label=f"{server.name}, no response cache",
    )
    return bodies


def _bench_size(
    info: DatasetInfo,
    db_path: Path,
    workdir: Path,
    settings: LoadSettings,
    servers: list[str],
    results: dict,
    source: AppSource,
    before: tuple[AppSource, Path] | None = None,
    rounds: int = 1,
) -> None:
    label = str(info.size)
    paths = our_paths(info)
    # Our API goes first: the bare app and nginx serve the bytes it answered.
    ours = start_ours(db_path, workdir, label, source)
    if "ours" in servers:
        varied = varied_paths(db_path, "ours")
        bodies = _bench_our_code(ours, db_path, workdir, settings, info, results, source, varied)
        # With BENCH_BEFORE, ours and before take turns, `rounds` times: each round's pair
        # is measured back to back, and the report takes the median of the rounds' ratios.
        for round_number in range(rounds if before is not None else 0):
            if round_number:
                ours = start_ours(db_path, workdir, label, source)
                _bench_our_code(ours, db_path, workdir, settings, info, results, source, varied)
            before_source, before_db = before
            server = start_ours(before_db, workdir, label, before_source, name="before")
            _bench_our_code(
                server, before_db, workdir, settings, info, results, before_source, varied
            )
            for run in results["runs"]:
                run.setdefault("round", round_number)
    else:
        bodies = {request: _fetch(ours.base_url + path) for request, path in paths.items()}
        ours.stop()
    body_dir = workdir / f"bodies-{label}"
    body_dir.mkdir()
    routes = {}
    for request, body in bodies.items():
        (body_dir / f"{request}.json").write_bytes(body)
        routes[paths[request]] = str(body_dir / f"{request}.json")
    if "bare" in servers:
        routes_file = workdir / f"bare-routes-{label}.json"
        routes_file.write_text(json.dumps(routes))
        server = start_bare(routes_file, workdir, label, source)
        _bench_server(server, paths, settings, info.size, results, expected=bodies)
    if "nginx" in servers:
        server = start_nginx(body_dir, workdir, label, "list.json")
        _bench_server(server, static_paths(), settings, info.size, results, expected=bodies)
    if "datasette" in servers:
        copy = datasette_copy(db_path, DATA_DIR / f"datasette-{label}" / "timeline.db")
        server = start_datasette(copy, workdir, label)
        varied = varied_paths(db_path, "datasette")
        paths = datasette_paths(info)
        _bench_server(server, paths, settings, info.size, results, None, varied, workdir)


def main() -> int:
    started = time.monotonic()
    sizes, settings, servers, quick = _config()
    bench_python = ensure_tools()
    source = app_source()
    print(f"bench: measuring timeline_api from the {source.label}", flush=True)
    fresh = os.environ.get("BENCH_FRESH") == "1"
    results: dict = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": quick,
        "machine": _machine(bench_python, source),
        "settings": {**asdict(settings), "workers": WORKERS, "varied_urls": VARIED_COUNT},
        "equivalence": EQUIVALENCE,
        "loads": [],
        "runs": [],
        "memory": [],
    }
    before_ref = os.environ.get("BENCH_BEFORE")
    before_source = app_source(before_ref) if before_ref else None
    if before_source is not None:
        print(f"bench: comparing with the code of {before_source.label}", flush=True)
        results["before"] = before_source.label
    rounds = int(os.environ.get("BENCH_ROUNDS") or 1)
    results["rounds"] = rounds
    before_dbs: dict[int, Path] = {}
    datasets: list[tuple[DatasetInfo, Path]] = []
    for size in sizes:
        info = generate(size, DATA_DIR / f"seeds-{size}")
        db_path = DATA_DIR / f"timeline-{size}.sqlite3"
        load = load_database(info, db_path, source, fresh=fresh)
        results["loads"].append(asdict(load))
        note = " (cached)" if load.cached else ""
        print(f"bench: {size:,} events loaded in {load.load_seconds:.1f} s{note}", flush=True)
        datasets.append((info, db_path))
        if before_source is not None:
            before_dbs[size] = DATA_DIR / f"timeline-{size}-before.sqlite3"
            load = load_database(info, before_dbs[size], before_source, fresh=fresh)
            print(f"bench: {size:,} events loaded by the code before in {load.load_seconds:.1f} s")
    workdir = Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    try:
        for info, db_path in datasets:
            before = (before_source, before_dbs[info.size]) if before_source else None
            _bench_size(info, db_path, workdir, settings, servers, results, source, before, rounds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _profiles(datasets, results, source)
    results["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    results["wall_seconds"] = round(time.monotonic() - started, 1)
    path = report.write_results(results, bench_python)
    print(report.format_tables(results))
    print(
        f"\nbench: wrote {path}, latest.json and throughput.png in {report.RESULTS_DIR} "
        f"({results['wall_seconds']:.0f} s)"
    )
    return 0


def _profiles(datasets: list[tuple[DatasetInfo, Path]], results: dict, source: AppSource) -> None:
    """Profile list and search in-process on the largest dataset; and the loader if slow."""
    if os.environ.get("BENCH_PROFILE") == "0":
        return
    report.RESULTS_DIR.mkdir(exist_ok=True)
    _info, db_path = datasets[-1]
    varied = varied_paths(db_path, "ours")
    out = report.RESULTS_DIR / "profile-requests.txt"
    profile_requests(db_path, {name: varied[name] for name in ("list", "search")}, out, source)
    results["profiles"] = {"requests": str(out.relative_to(ROOT))}
    largest = results["loads"][-1]
    load_out = report.RESULTS_DIR / "profile-load.txt"
    if largest["load_seconds"] >= report.TARGET_LOAD_SECONDS and (
        not largest["cached"] or not load_out.exists()
    ):
        # The 10k load has the same profile shape (load time is linear in events) at a
        # tenth of the cost; profile the largest one when it is the only one.
        small = next((i for i, _ in datasets if i.size == 10000), datasets[-1][0])
        scratch = DATA_DIR / "profile-load.sqlite3"
        profile_load(small.seeds_dir, scratch, load_out, source)
        for leftover in DATA_DIR.glob("profile-load.sqlite3*"):
            leftover.unlink()
    if load_out.exists():
        results["profiles"]["load"] = str(load_out.relative_to(ROOT))


if __name__ == "__main__":
    sys.exit(main())
