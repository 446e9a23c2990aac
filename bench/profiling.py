"""Where a request's time goes inside our app: cProfile over in-process requests.

Runs in a child process (`python -m bench.profiling DB OUT NAME=URLS_FILE...`) with the app built
by create_app() exactly as gunicorn's workers build it, driven through Flask's test client
(no socket, no gunicorn); its JSON access log goes to /dev/null, written all the same.
For each request it reports the time per request, own time grouped by component (SQLite,
peewee, marshmallow, Flask...), and the top functions by own and by cumulative time.
"""

import cProfile
import io
import os
import pstats
import site
import subprocess
import sys
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

from bench.appsource import AppSource

ROOT = Path(__file__).resolve().parent.parent
TOP = 15
BUDGET_SECONDS = 3.0  # per request type and pass: enough samples, bounded time
# Own time is charged to the first component whose marker is in the function's file name.
COMPONENTS = [
    ("SQLite (C: executing statements, fetching rows)", ("sqlite3.",)),
    ("peewee (building SQL, making row objects)", ("peewee",)),
    ("marshmallow / apispec (dumping the response schema)", ("marshmallow", "apispec")),
    ("webargs / flask-smorest (parsing arguments, wrappers)", ("webargs", "flask_smorest")),
    ("Flask / werkzeug (routing, request, response)", ("flask", "werkzeug")),
    ("logging + JSON access log", ("logging", "observability/logs")),
    ("prometheus metrics", ("prometheus",)),
    ("json encoding/decoding", ("json",)),
    ("timeline_api (our own code)", ("timeline_api",)),
]


def profile_requests(
    db_path: Path, paths: dict[str, list[str]], out: Path, source: AppSource
) -> str:
    """Profile each request type ({name: its varied URLs}) against `db_path`.

    The URLs are taken in turn, so a response cache cannot answer: this is the work
    behind it. Writes the report to `out` and returns it.
    """
    command = [sys.executable, "-m", "bench.profiling", str(db_path.resolve()), str(out.resolve())]
    for name, urls in paths.items():
        listing = out.with_name(f".{out.stem}-{name}.txt")
        listing.write_text("\n".join(urls) + "\n")
        command.append(f"{name}={listing.resolve()}")
    try:
        subprocess.run(
            command, cwd=source.root, env=source.env(), check=True, stdout=subprocess.DEVNULL
        )
    finally:
        for name in paths:
            out.with_name(f".{out.stem}-{name}.txt").unlink(missing_ok=True)
    return out.read_text()


def _component(filename: str, function: str) -> str:
    where = filename if filename != "~" else function  # "~": a C function, named in full
    for name, markers in COMPONENTS:
        if any(marker in where for marker in markers):
            return name
    return "other (Python stdlib, C built-ins)"


def _by_component(stats: pstats.Stats, repeat: int) -> list[str]:
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        totals[_component(filename, function)] += own
    grand = sum(totals.values()) or 1.0
    return [
        f"  {seconds / repeat * 1000:7.2f} ms  {seconds / grand:6.1%}  {name}"
        for name, seconds in sorted(totals.items(), key=lambda item: -item[1])
    ]


def shorten_paths(text: str) -> str:
    """Shorter names in pstats output: "peewee.py:9279", "timeline_api/...", "json/..."."""
    import timeline_api  # wherever this run imports it from: the tree or a snapshot

    app_root = str(Path(timeline_api.__file__).resolve().parent.parent)
    for prefix in [*site.getsitepackages(), sysconfig.get_paths()["stdlib"], app_root, str(ROOT)]:
        text = text.replace(prefix.rstrip("/") + "/", "")
    return text


def _top(stats: pstats.Stats, order: str, *restrict: str) -> str:
    stream = io.StringIO()
    stats.stream = stream
    stats.sort_stats(order).print_stats(*restrict, TOP)
    text = stream.getvalue()  # keep the table, not pstats' preamble
    text = text[text.index("   ncalls") :].rstrip() if "   ncalls" in text else text.strip()
    return shorten_paths(text)


def _query_times(client, urls: list[str]) -> list[str]:
    """Time spent executing each SQL statement (up to its first row), per request."""
    from timeline_api.models import database

    db = database.obj
    original = db.execute_sql
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def timed(sql, params=None, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(sql, params, *args, **kwargs)
        finally:
            label = " ".join(str(sql).split())
            entry = totals[label[:110] + ("…" if len(label) > 110 else "")]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    db.execute_sql = timed
    try:
        for url in urls:
            client.get(url)
    finally:
        db.execute_sql = original
    ranked = sorted(totals.items(), key=lambda item: -item[1][1])
    return [
        f"  {seconds / len(urls) * 1000:7.2f} ms  x{count / len(urls):.2g}  {label}"
        for label, (count, seconds) in ranked[:8]
    ]


def _profile_one(client, name: str, urls: list[str]) -> list[str]:
    response = client.get(urls[0])  # warm up: first connection, imports
    assert response.status_code == 200, (urls[0], response.status_code)
    started = time.perf_counter()
    client.get(urls[1])
    single = time.perf_counter() - started
    repeat = max(3, min(100, int(BUDGET_SECONDS / max(single, 1e-4))))
    # Three disjoint slices of never-requested URLs: nothing can come from a cache.
    plain, measured, profiled = (urls[2 + i * repeat : 2 + (i + 1) * repeat] for i in range(3))
    started = time.perf_counter()
    for url in plain:
        client.get(url)
    plain_ms = (time.perf_counter() - started) / len(plain) * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for url in profiled:
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    return [
        f"\n===== {name}: GET {urls[0]} and {len(urls) - 1} more of its kind =====",
        f"{plain_ms:.2f} ms per request without the profiler ({len(plain)} distinct URLs, "
        "one process)",
        "\nown time by component, per request (under the profiler):",
        *_by_component(stats, len(profiled)),
        "\nSQL statements by time to execute (to the first row), per request:",
        *_query_times(client, measured),
        f"\n--- top {TOP} functions by own time (tottime), {len(profiled)} requests ---",
        _top(stats, "tottime"),
        f"\n--- top {TOP} of our own functions by cumulative time ---",
        _top(stats, "cumulative", "timeline_api"),
    ]


def main(db_path: str, out: str, requests: list[str]) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    from timeline_api.app import create_app

    client = create_app().test_client()
    report = [f"In-process profile of the app against {db_path}."]
    for item in requests:
        name, listing = item.split("=", 1)
        urls = Path(listing).read_text().split()
        report += _profile_one(client, name, urls)
    Path(out).write_text("\n".join(report) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
