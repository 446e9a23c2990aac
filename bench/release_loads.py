"""How long loads take now that each one may make a release (issue: a 100,000-event load
under 60 s, a second load changing 1,000 of them under 20 s).

    python -m bench.release_loads [SIZE]        # default 100000; writes results/release-loads.json

Uses the harness's dataset generator (bench/datasets.py, cached in bench/data/), a fresh
SQLite database, and the real `timeline-api seed` command, timed from the outside. Then it
edits the title of 1,000 events spread over the dataset, loads again, restores the files,
and reloads unchanged. With BENCH_REF_PYTHONPATH set to another checkout, the same loads
are also timed with that code (e.g. the commit before releases) for comparison.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.datasets import generate

DATA_DIR = Path(__file__).resolve().parent / "data"
RESULTS = Path(__file__).resolve().parent / "results" / "release-loads.json"
CHANGED = 1000


def _seed(folder: Path, db: Path, pythonpath: str | None, message: str | None = None) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "LOG_LEVEL": "WARNING"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [sys.executable, "-m", "timeline_api.cli", "seed", str(folder)]
    if message and not pythonpath:
        command += ["--message", message]
    started, cpu_before = time.perf_counter(), _children_cpu()
    # cwd: not this checkout, whose package `python -m` would put before PYTHONPATH.
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, cwd=db.parent
    )
    return {
        "seconds": round(time.perf_counter() - started, 1),
        # CPU time of the loader and its reading processes: what the load costs, whatever
        # else the machine was doing meanwhile.
        "cpu_seconds": round(_children_cpu() - cpu_before, 1),
        "output": done.stdout.strip(),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _edit_titles(folder: Path, count: int) -> dict[Path, str]:
    """Append " (corrected)" to the title of `count` events spread over the dataset."""
    paths = sorted((folder / "events").glob("*.yaml"))
    step = max(1, len(paths) // count)
    originals = {}
    for path in paths[::step][:count]:
        text = path.read_text(encoding="utf-8")
        originals[path] = text
        lines = [
            line[:-1] + ' (corrected)"' if line.startswith('title: "') else line
            for line in text.splitlines()
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return originals


def run(size: int, pythonpath: str | None) -> dict:
    info = generate(size, DATA_DIR / f"seeds-{size}")
    folder = Path(info.seeds_dir)
    with tempfile.TemporaryDirectory(prefix="release-loads-") as work:
        db = Path(work) / "timeline.sqlite3"
        first = _seed(folder, db, pythonpath)
        originals = _edit_titles(folder, CHANGED)
        try:
            second = _seed(folder, db, pythonpath, message=f"{CHANGED} titles corrected")
        finally:
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")
        third = _seed(folder, db, pythonpath)
        unchanged = _seed(folder, db, pythonpath)
        size_mb = round(db.stat().st_size / 1e6, 1)
    return {
        "first_load": first,
        f"load_changing_{CHANGED}": second,
        f"load_restoring_{CHANGED}": third,
        "unchanged_reload": unchanged,
        "database_mb_after_4_loads": size_mb,
    }


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    results = {"size": size, "ours": run(size, None)}
    reference = os.environ.get("BENCH_REF_PYTHONPATH")
    if reference:
        results["reference"] = {"pythonpath": reference, **run(size, reference)}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
