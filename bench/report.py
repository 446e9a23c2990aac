"""Results: the JSON files, the tables printed at the end, and the ratios the issue targets.

Every ratio compares runs made in the same `make bench` run, on the same machine, with the
same wrk settings: absolute numbers move with the machine, ratios much less. Runs come in
three modes: "fixed" (one URL over and over: what a response cache serves), "varied"
(distinct URLs of the same kind, drawn at random: a worker's cache answers the ones it
has seen, which at 1k events is most of them) and, for our API only, "uncached" (the
varied URLs with RESPONSE_CACHE_ENTRIES=0: the queries alone). Datasette has no response
cache: its varied runs are compared with both of ours.
"""

import json
import statistics
import subprocess
import time
from pathlib import Path

from bench.scenarios import REQUESTS

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SERVERS = ("ours", "before", "bare", "nginx", "datasette")
MODES = ("fixed", "varied", "uncached")
# Which Datasette run each of our modes is compared with.
DATASETTE_MODE = {"fixed": "fixed", "varied": "varied", "uncached": "varied"}
# The targets ("Performance at scale").
TARGET_VS_DATASETTE = 5.0
TARGET_VS_BARE = 0.6
TARGET_TAIL = 3.0
TARGET_SCALING = 0.75  # throughput at 100k within 25% of 1k
TARGET_LOAD_SECONDS = 60.0
TARGET_MEMORY_GROWTH = 1.5
TARGET_VS_BEFORE = 0.9  # releases (issue 11): current-state requests within 10% of before


def find_run(
    results: dict, server: str, size: int, request: str, mode: str, round_number: int = 0
) -> dict | None:
    """The run of `server` on `size` events for `request` in `mode`, if there is one (in
    `round_number`, for runs repeated with BENCH_ROUNDS)."""
    for run in results["runs"]:
        if (
            run["server"],
            run["size"],
            run["request"],
            run.get("mode", "fixed"),
            run.get("round", 0),
        ) == (server, size, request, mode, round_number):
            return run
    return None


def paired_ratio(results: dict, size: int, request: str, mode: str, metric: str) -> float | None:
    """ours/before for `metric`, the median of the rounds' ratios: each round measured the
    two back to back, so a slow spell of the machine moves both sides of a ratio."""
    ratios = []
    for round_number in range(results.get("rounds", 1)):
        ours = find_run(results, "ours", size, request, mode, round_number) or {}
        before = find_run(results, "before", size, request, mode, round_number) or {}
        ratio = _ratio(ours.get(metric), before.get(metric))
        if ratio is not None:
            ratios.append(ratio)
    return round(statistics.median(ratios), 2) if ratios else None


def _memory(results: dict, server: str, size: int) -> dict | None:
    return next((m for m in results["memory"] if m["server"] == server and m["size"] == size), None)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def compute_ratios(results: dict) -> list[dict]:
    """One row per check and size: the ratio for each request, its target, pass or fail."""
    rows: list[dict] = []

    def add(check: str, size: int, values: dict, target: float, higher: bool) -> None:
        cells = {
            request: {
                "value": value,
                "pass": None if value is None else (value >= target if higher else value <= target),
            }
            for request, value in values.items()
        }
        sign = ">=" if higher else "<="
        rows.append({"check": check, "size": size, "target": f"{sign} {target:g}", **cells})

    def per_request(size: int, compute) -> dict:
        return {request: compute(request) for request in REQUESTS}

    sizes = sorted({r["size"] for r in results["runs"]})
    for size in sizes:

        def run(server: str, request: str, mode: str, size: int = size) -> dict:
            return find_run(results, server, size, request, mode) or {}

        for mode in MODES:
            if any(r["server"] == "before" for r in results["runs"]):
                # BENCH_BEFORE: this code against an earlier commit's, same data and run.
                add(
                    f"ours/before req/s, {mode}",
                    size,
                    per_request(
                        size,
                        lambda r, m=mode, n=size: paired_ratio(results, n, r, m, "requests_per_s"),
                    ),
                    TARGET_VS_BEFORE,
                    True,
                )
                add(
                    f"ours/before CPU per request, {mode}",
                    size,
                    per_request(
                        size,
                        lambda r, m=mode, n=size: paired_ratio(
                            results, n, r, m, "server_cpu_ms_per_request"
                        ),
                    ),
                    1 / TARGET_VS_BEFORE,
                    False,
                )
            add(
                f"ours/datasette req/s, {mode}",
                size,
                per_request(
                    size,
                    lambda r, m=mode: _ratio(
                        run("ours", r, m).get("requests_per_s"),
                        run("datasette", r, DATASETTE_MODE[m]).get("requests_per_s"),
                    ),
                ),
                TARGET_VS_DATASETTE,
                True,
            )
            # The same comparison per CPU second: steadier when other jobs share the cores.
            add(
                f"ours/datasette per CPU, {mode}",
                size,
                per_request(
                    size,
                    lambda r, m=mode: _ratio(
                        run("datasette", r, DATASETTE_MODE[m]).get("server_cpu_ms_per_request"),
                        run("ours", r, m).get("server_cpu_ms_per_request"),
                    ),
                ),
                TARGET_VS_DATASETTE,
                True,
            )
        for label, ours_mode in (
            ("fixed", "fixed"),
            ("ours varied", "varied"),
            ("ours uncached", "uncached"),
        ):
            add(
                f"ours/bare req/s, {label}",
                size,
                {
                    r: _ratio(
                        run("ours", r, ours_mode).get("requests_per_s"),
                        run("bare", r, "fixed").get("requests_per_s"),
                    )
                    for r in ("list", "detail")
                },
                TARGET_VS_BARE,
                True,
            )
        for mode in MODES:
            add(
                f"ours p99/p50, {mode}",
                size,
                per_request(
                    size,
                    lambda r, m=mode: _ratio(
                        run("ours", r, m).get("p99_ms"), run("ours", r, m).get("p50_ms")
                    ),
                ),
                TARGET_TAIL,
                False,
            )
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for mode in MODES:

            def pair(request: str, mode: str = mode) -> tuple[dict, dict]:
                return (
                    find_run(results, "ours", large, request, mode) or {},
                    find_run(results, "ours", small, request, mode) or {},
                )

            add(
                f"ours req/s {large}/{small}, {mode}",
                large,
                per_request(
                    large,
                    lambda r, p=pair: _ratio(
                        p(r)[0].get("requests_per_s"), p(r)[1].get("requests_per_s")
                    ),
                ),
                TARGET_SCALING,
                True,
            )
            add(
                f"ours CPU/req {small} / {large}, {mode}",
                large,
                per_request(
                    large,
                    lambda r, p=pair: _ratio(
                        p(r)[1].get("server_cpu_ms_per_request"),
                        p(r)[0].get("server_cpu_ms_per_request"),
                    ),
                ),
                TARGET_SCALING,
                True,
            )
        a, b = _memory(results, "ours", large), _memory(results, "ours", small)
        if a and b:
            add(
                f"ours worker peak RSS {large}/{small}",
                large,
                {"all": _ratio(a["max_worker_mb"], b["max_worker_mb"])},
                TARGET_MEMORY_GROWTH,
                False,
            )
    loads = {load["size"]: load for load in results["loads"]}
    if loads:
        largest = max(loads)
        add(
            f"load_seeds seconds, {largest} events",
            largest,
            {"all": loads[largest]["load_seconds"]},
            TARGET_LOAD_SECONDS,
            False,
        )
    return rows


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _cell(cell: dict | None) -> str:
    if not cell or cell["value"] is None:
        return "-"
    digits = 0 if abs(cell["value"]) >= 1000 else 2
    return _fmt(cell["value"], digits) + (" ok" if cell["pass"] else " NO")


def format_tables(results: dict) -> str:
    """The figures (one row per size, request, server and mode) and the target checks."""
    lines = []
    header = (
        f"{'events':>8} {'request':<9}{'server':<10}{'mode':<9}{'req/s':>10}{'p50 ms':>10}"
        f"{'p99 ms':>10}{'errors':>7}{'CPU ms/req':>11}{'conns':>6}{'other cores':>12}"
    )
    lines += ["\n== throughput and latency (wrk), server CPU per request ==", header]
    for run in sorted(
        results["runs"],
        key=lambda r: (
            r["size"],
            REQUESTS.index(r["request"]),
            SERVERS.index(r["server"]),
            MODES.index(r.get("mode", "fixed")),
        ),
    ):
        lines.append(
            f"{run['size']:>8,} {run['request']:<9}{run['server']:<10}"
            f"{run.get('mode', 'fixed'):<9}{_fmt(run['requests_per_s']):>10}"
            f"{_fmt(run['p50_ms']):>10}{_fmt(run['p99_ms']):>10}{run['errors']:>7}"
            f"{_fmt(run['server_cpu_ms_per_request'], 2):>11}{run['connections']:>6}"
            f"{_fmt(run['other_cores'], 2):>12}"
            + ("  (no answer in the run: timed alone)" if run.get("estimated") else "")
        )
    lines.append("\n== worker peak RSS (VmHWM, MB: max / mean over worker processes) ==")
    for size in sorted({m["size"] for m in results["memory"]}):
        cells = [
            f"{m['server']} {_fmt(m['max_worker_mb'])} / {_fmt(m['mean_worker_mb'])}"
            for m in results["memory"]
            if m["size"] == size
        ]
        lines.append(f"{size:>8,}: " + ", ".join(cells))
    lines.append("\n== loads (real loader, load_seeds) ==")
    for load in results["loads"]:
        cached = " (cached, loaded " + load["loaded_at"] + ")" if load["cached"] else ""
        lines.append(
            f"{load['size']:>8,} events: {load['load_seconds']:7.1f} s, loader peak RSS "
            f"{load['peak_rss_mb']:,.0f} MB, file {load['db_megabytes']:,.0f} MB{cached}"
        )
    largest = max((row["size"] for row in results["ratios"]), default=0)
    lines.append(f"\n== issue targets at {largest:,} events (ratios within this run) ==")
    lines.append(f"{'check':<36}{'target':>8}" + "".join(f"{r:>13}" for r in REQUESTS))
    for row in results["ratios"]:
        if row["size"] != largest:
            continue
        if "all" in row:
            cells = f"{_cell(row['all']):>13}"
        else:
            cells = "".join(f"{_cell(row.get(r)):>13}" for r in REQUESTS)
        lines.append(f"{row['check']:<36}{row['target']:>8}{cells}")
    other = [run["other_cores"] for run in results["runs"]]
    if other and statistics.mean(other) > 0.25:
        lines.append(
            f"\nNOTE: other processes kept {statistics.mean(other):.2f} cores busy on average "
            f"(max {max(other):.2f}) during the runs: req/s are understated and noisy; "
            "CPU ms per request and the per-CPU ratios are the steadier figures."
        )
    return "\n".join(lines)


def summarise_memory(server: str, size: int, peaks_kb: dict[int, int]) -> dict:
    """Peak resident memory of the workers that served the runs (VmHWM, MB)."""
    values = [kb / 1024 for kb in peaks_kb.values()] or [0.0]
    return {
        "server": server,
        "size": size,
        "workers": len(peaks_kb),
        "max_worker_mb": round(max(values), 1),
        "mean_worker_mb": round(statistics.mean(values), 1),
    }


def _repository_relative(text: str) -> str:
    """Results are committed: they must not carry this machine's absolute paths."""
    return text.replace(str(RESULTS_DIR.parent.parent) + "/", "")


def write_results(results: dict, bench_python: Path) -> Path:
    """bench/results/<timestamp>.json, latest.json and throughput.png; returns the JSON path."""
    RESULTS_DIR.mkdir(exist_ok=True)
    results["ratios"] = compute_ratios(results)
    text = json.dumps(results, indent=2, default=str)
    path = RESULTS_DIR / (time.strftime("%Y%m%dT%H%M%S") + ".json")
    path.write_text(_repository_relative(text))
    (RESULTS_DIR / "latest.json").write_text(_repository_relative(text))
    for profile in RESULTS_DIR.glob("profile-*.txt"):
        profile.write_text(_repository_relative(profile.read_text()))
    # matplotlib lives in the bench virtualenv, not in the app's.
    subprocess.run(
        [str(bench_python), "-m", "bench.chart", str(path), str(RESULTS_DIR / "throughput.png")],
        cwd=RESULTS_DIR.parent.parent,
        check=True,
    )
    return path
