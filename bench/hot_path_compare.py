"""Current-state requests with and without releases, in process, on the same data.

    python -m bench.hot_path_compare SIZE REF_PYTHONPATH     # e.g. 10000 /tmp/main-ref

Loads the harness's generated dataset of SIZE events with each code (this checkout, and the
`timeline_api` package found at REF_PYTHONPATH, e.g. `git archive` of the commit before),
then times requests through Flask's test client with the response cache off (so every
request runs its queries), alternating the two codes round by round so that whatever else
the machine does weighs on both alike. Prints the median milliseconds per request.
A quick stand-in for `make bench` with BENCH_REF when wrk runs are not possible.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.datasets import generate

DATA_DIR = Path(__file__).resolve().parent / "data"
ROUNDS = 5
REQUESTS = 40

CHILD = r"""
import json, statistics, sys, time
from timeline_api.app import create_app
from timeline_api.config import Config
paths = json.loads(sys.argv[2])
app = create_app(Config(DATABASE_URL=sys.argv[1], RESPONSE_CACHE_ENTRIES=0))
client = app.test_client()
result = {}
for name, path in paths.items():
    assert client.get(path).status_code == 200, path
    times = []
    for _ in range(int(sys.argv[3])):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    result[name] = statistics.median(times)
print(json.dumps(result))
"""


def _env(pythonpath: str | None, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def main() -> None:
    size, reference = int(sys.argv[1]), sys.argv[2]
    info = generate(size, DATA_DIR / f"seeds-{size}")
    paths = {
        "list": "/api/v1/events?limit=20",
        "filtered": "/api/v1/events?year=2020&type=statement",
        "detail": f"/api/v1/events/{info.detail_slug}",
        "facets": "/api/v1/events/facets",
        "search": "/api/v1/events?q=encryption",
    }
    with tempfile.TemporaryDirectory(prefix="hot-path-") as work:
        codes = {"ours": None, "reference": reference}
        urls = {name: f"sqlite:///{work}/{name}.sqlite3" for name in codes}
        for name, pythonpath in codes.items():
            subprocess.run(
                [sys.executable, "-m", "timeline_api.cli", "seed", info.seeds_dir],
                env=_env(pythonpath, urls[name]),
                check=True,
                capture_output=True,
                cwd=work,  # not this checkout, which `python -m` would put first on the path
            )
        rounds = {name: [] for name in codes}
        for _ in range(ROUNDS):
            for name, pythonpath in codes.items():
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, urls[name], json.dumps(paths), str(REQUESTS)],
                    env=_env(pythonpath, urls[name]),
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=work,
                )
                rounds[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    summary = {
        name: {
            request: round(sorted(r[request] for r in results)[len(results) // 2], 2)
            for request in paths
        }
        for name, results in rounds.items()
    }
    summary["ours / reference"] = {
        request: round(summary["ours"][request] / summary["reference"][request], 3)
        for request in paths
    }
    print(json.dumps({"size": size, "median_ms_per_request": summary}, indent=2))


if __name__ == "__main__":
    main()
