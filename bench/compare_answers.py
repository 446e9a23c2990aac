"""Are the API's answers byte for byte what they were? Every endpoint, two code versions.

    python -m bench.compare_answers --before <git ref> [--after <git ref>] [--size 1000]
    make compare-answers BEFORE=<git ref> [AFTER=<git ref>] [SIZE=1000]

Each version is a snapshot of its `timeline_api` package (bench/appsource.py: `git archive`
of a ref, or the working tree when --after is not given), run in child processes of its
own (bench/answer_child.py) with the repository's .venv Python. For each dataset, each
version loads the same seed folders with its own loader into its own SQLite file under
the same frozen clock, then answers the same requests through Flask's test client: every
GET path of both versions' OpenAPI documents, filled from the data, with query, header,
conditional and error variants (bench/answer_urls.py). Status, headers (but `Date`) and
body bytes are compared (bench/answer_diff.py). Datasets:

- `curated`: seeds/ as one release;
- `curated-releases`: seeds/, then a copy with one title reworded, one event renamed and
  one tag renamed in words (release 2), then one event removed (release 3): history,
  changes, `as_of`, 410 and 308 have content;
- `generated-<size>`: bench/datasets.py's synthetic seeds (bench/data/seeds-<size>).

Prints a summary and every difference; writes
bench/results/compare-answers-<before>-<after>.json; exits 1 on any difference.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from bench.answer_diff import IGNORED_HEADERS, NORMALISED, compare, normalise
from bench.answer_urls import EXTRA_PATHS, read_data, specs_for
from bench.appsource import ROOT, AppSource, app_source, working_tree
from bench.datasets import SEARCH_WORD, generate

RESULTS = ROOT / "bench" / "results"
DATA_DIR = ROOT / "bench" / "data"
CURATED = ROOT / "seeds"
# The frozen clock of each load (release 1, 2, 3): the same for both versions.
LOAD_TIMES = ["2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00"]
# as_of values: between releases 1 and 2; a day (its end: release 2); before release 1.
AS_OF_TIMES = ["2026-01-01T12:00:00Z", "2026-01-02", "2025-12-31"]
RENAMED_EVENT = ("zhao-remarks-on-data-security-promise", "zhao-urges-data-security-promise")
REWORDED_EVENT = "reported-us-order-on-americans-personal-data"
REWORDED_TAG = "surveillance"
REMOVED_EVENT = "us-tiktok-ban-unless-american-buyer"
LOAD_TIMEOUT, REQUEST_TIMEOUT = 900, 1800
SHOWN_DIFFERENCES = 40


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _release_folders(work: Path) -> list[tuple[str, Path, str | None]]:
    """seeds/ and two edited copies: (name, folder, release message) per load."""
    first = work / "release-1"
    shutil.copytree(CURATED, first)
    second = work / "release-2"
    shutil.copytree(first, second)
    _edit_yaml(
        second / "events" / f"{REWORDED_EVENT}.yaml",
        lambda d: d.update(title=d["title"] + " (reworded)"),
    )
    old, new = RENAMED_EVENT
    _edit_yaml(
        second / "events" / f"{old}.yaml", lambda d: d.update(slug=new, previous_slugs=[old])
    )
    (second / "events" / f"{old}.yaml").rename(second / "events" / f"{new}.yaml")

    def reword_tag(data):
        for tag in data["tags"]:
            if tag["slug"] == REWORDED_TAG:
                tag["name"] += " (reworded)"

    _edit_yaml(second / "tags.yaml", reword_tag)
    third = work / "release-3"
    shutil.copytree(second, third)
    (third / "events" / f"{REMOVED_EVENT}.yaml").unlink()
    return [
        ("seeds", first, None),
        ("seeds, edited", second, "Reword a title and a tag, rename an event"),
        ("seeds, one event removed", third, "Remove an event"),
    ]


def _datasets(work: Path, size: int) -> list[dict]:
    generated = generate(size, DATA_DIR / f"seeds-{size}")
    return [
        {
            "name": "curated",
            "loads": [("seeds", CURATED, None)],
            "search_words": ["data", "surveillance"],
            "sample": None,
        },
        {
            "name": "curated-releases",
            "loads": _release_folders(work),
            "search_words": ["data"],
            "sample": None,
            "removed": {"events": [REMOVED_EVENT]},
            "renamed": {"events": [RENAMED_EVENT[0]]},
        },
        {
            "name": f"generated-{size}",
            "loads": [(f"seeds-{size}", Path(generated.seeds_dir), None)],
            "search_words": [SEARCH_WORD, "data"],
            "sample": 12,
        },
    ]


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.is_file() else sys.executable


def _tree_snapshot(work: Path) -> AppSource:
    """The working tree's timeline_api (its tracked files as they are now, and new files
    not ignored by git), copied like a `git archive` of a ref: both versions then run from
    a folder holding nothing but the package (see _child)."""
    source = working_tree()
    folder = work / "app-worktree"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "timeline_api"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():  # not a deleted file
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return AppSource(folder, source.label)


def _child(source: AppSource, args: list[str], timeout: int) -> None:
    """Run answer_child.py with `source`'s package and nothing else of this checkout on the
    path: the API's code fingerprint (part of every ETag) counts the distributions found on
    sys.path, and this checkout holds one (timeline_api.egg-info), so a path with the
    checkout on it would give different tags to the same code."""
    script = Path(args[1]).parent.parent / "answer_child.py"
    if not script.is_file():
        shutil.copy2(Path(__file__).with_name("answer_child.py"), script)
    env = {**os.environ, "PYTHONPATH": str(source.root), "LOG_LEVEL": "ERROR"}
    done = subprocess.run(
        [_python(), str(script), *args],
        cwd=args[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"{source.label}: answer_child {args[0]} failed:\n{done.stderr[-3000:]}")


def _etag(answer: dict) -> str | None:
    return next((v for n, v in answer["headers"] if n.lower() == "etag"), None)


def _documented(document: dict) -> set[str]:
    return {path for path, item in (document.get("paths") or {}).items() if "get" in item}


def _compare_dataset(dataset: dict, sources: dict[str, AppSource], work: Path) -> dict:
    """Load, ask and compare one dataset in both versions."""
    folder = work / dataset["name"]
    steps = [
        {"name": name, "folder": str(path), "message": message, "time": LOAD_TIMES[index]}
        for index, (name, path, message) in enumerate(dataset["loads"])
    ]
    loads, documents = {}, {}
    for side, source in sources.items():
        workdir = folder / side
        workdir.mkdir(parents=True)
        (workdir / "steps.json").write_text(json.dumps(steps))
        _child(source, ["load", str(workdir), str(workdir / "steps.json")], LOAD_TIMEOUT)
        loads[side] = json.loads((workdir / "load.json").read_text())
        imported = Path(loads[side].pop("timeline_api"))
        if not imported.is_relative_to(source.root):  # the version's path was not first
            raise RuntimeError(f"{side} imported {imported}, not {source.label}'s package")
        for step in loads[side]["loads"]:  # the results name no path of this machine
            if "error" in step:
                step["error"] = step["error"].replace(str(work), "<work>")
        try:
            documents[side] = json.loads((workdir / "openapi.json").read_text())
        except ValueError:
            documents[side] = {}
    data = read_data(
        [folder / side / "timeline.sqlite3" for side in sources],
        dataset["search_words"],
        AS_OF_TIMES,
        dataset["sample"],
    )
    data.removed, data.renamed = dataset.get("removed", {}), dataset.get("renamed", {})
    specs = specs_for(list(documents.values()), data, thorough=dataset["sample"] is None)
    (folder / "specs.json").write_text(json.dumps(specs))
    answers = {}
    for side, source in sources.items():
        out = folder / side / "answers.json"
        started = time.perf_counter()
        _child(
            source,
            ["request", str(folder / side), str(folder / "specs.json"), str(out)],
            REQUEST_TIMEOUT,
        )
        print(
            f"  {dataset['name']}: {side} answered in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        answers[side] = json.loads(out.read_text())
    # As sent, before normalising: are the ETags the same values too (they are when the code
    # and the installed packages are)?
    raw_etags_differ = sum(
        1
        for key in answers["before"].keys() & answers["after"].keys()
        if _etag(answers["before"][key]) != _etag(answers["after"][key])
    )
    statuses = {
        side: dict(sorted(Counter(str(a["status"]) for a in answers[side].values()).items()))
        for side in sources
    }
    answers = {side: normalise(side_answers) for side, side_answers in answers.items()}
    documented = {side: _documented(documents[side]) for side in sources}
    templates = {spec["key"]: spec["template"] for spec in specs}
    differences = []
    keys = sorted(answers["before"].keys() | answers["after"].keys())
    for key in keys:
        before, after = answers["before"].get(key), answers["after"].get(key)
        if before is None or after is None:  # a page followed in one version only
            differences.append({"request": key, "only_in": "before" if after is None else "after"})
            continue
        found = compare(before, after)
        if found:
            template = templates.get(key.split("#")[0], "")
            entry = {"request": key, **found}
            if template not in EXTRA_PATHS and template != "(none)":
                missing = [side for side in sources if template not in documented[side]]
                if missing:
                    entry["endpoint_missing_in"] = missing[0]
            if before["path"] != after["path"]:
                entry["paths"] = [before["path"], after["path"]]
            differences.append(entry)
    missing = {
        side: sorted(documented[other] - documented[side])
        for side, other in (("before", "after"), ("after", "before"))
    }
    return {
        "dataset": dataset["name"],
        "loads": loads,
        "endpoints_missing": missing,
        "requests": len(keys),
        "identical": len(keys) - len(differences),
        "statuses": statuses,
        "etag_values_differ": raw_etags_differ,
        "differences": differences,
    }


def _print_dataset(result: dict) -> None:
    print(
        f"\n== {result['dataset']}: {result['requests']} answers compared, "
        f"{result['identical']} identical, {len(result['differences'])} different"
    )
    for side, load in result["loads"].items():
        for step in load["loads"]:
            said = step.get("summary") or step.get("error", "").replace("\n", "\n      ")
            print(f"  {side} load {step['folder']}: {said}")
    for side, statuses in result["statuses"].items():
        print(f"  {side} statuses: {statuses}")
    print(f"  ETag values as sent differ in {result['etag_values_differ']} answers")
    for side, paths in result["endpoints_missing"].items():
        if paths:
            print(f"  endpoints missing in {side}: {', '.join(paths)}")
    for entry in result["differences"][:SHOWN_DIFFERENCES]:
        print(f"- {entry['request']}")
        if "only_in" in entry:
            print(f"    answered only in {entry['only_in']} (a page followed in one version)")
            continue
        if "endpoint_missing_in" in entry:
            print(f"    endpoint not documented in {entry['endpoint_missing_in']}")
        if "status" in entry:
            print(f"    status {entry['status'][0]} -> {entry['status'][1]}")
        if "headers" in entry:
            headers = entry["headers"]
            if isinstance(headers, str):
                print(f"    headers: {headers}")
            else:
                for name, (a, b) in headers.items():
                    print(f"    header {name}: {a!r} -> {b!r}")
        if "body" in entry:
            print("    body: " + entry["body"].replace("\n", "\n          "))
    hidden = len(result["differences"]) - SHOWN_DIFFERENCES
    if hidden > 0:
        print(f"  … and {hidden} more (all of them in the results file)")


def _name(source: AppSource, ref: str | None) -> str:
    if ref is None:
        return "worktree"
    return source.label.rsplit("(", 1)[-1].rstrip(")")


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git ref of the code before")
    parser.add_argument("--after", help="git ref of the code after (default: the working tree)")
    parser.add_argument("--size", type=int, default=1000, help="events in the generated dataset")
    parser.add_argument("--only", help="comma-separated dataset names (default: all)")
    parser.add_argument("--output", type=Path, help="results file (default: bench/results/…)")
    parser.add_argument(
        "--keep", type=Path, help="work in this new folder and keep it (databases, answers)"
    )
    args = parser.parse_args(argv)
    sources = {"before": app_source(args.before)}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="compare-answers-") as temp:
        work = Path(temp)
        if args.keep:
            work = args.keep
            work.mkdir(parents=True)
        sources["after"] = app_source(args.after) if args.after else _tree_snapshot(work)
        names = {side: _name(source, getattr(args, side)) for side, source in sources.items()}
        print(f"before: {sources['before'].label}\nafter:  {sources['after'].label}", flush=True)
        datasets = _datasets(work, args.size)
        if args.only:
            wanted = set(args.only.split(","))
            datasets = [d for d in datasets if d["name"] in wanted]
        results = [_compare_dataset(dataset, sources, work) for dataset in datasets]
    for result in results:
        _print_dataset(result)
    requests = sum(r["requests"] for r in results)
    different = sum(len(r["differences"]) for r in results)
    load_errors = [
        f"{r['dataset']} ({side})"
        for r in results
        for side, load in r["loads"].items()
        if any("error" in step for step in load["loads"])
    ]
    summary = {
        "before": sources["before"].label,
        "after": sources["after"].label,
        "compared_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started),
        "requests": requests,
        "identical": requests - different,
        "different": different,
        "load_errors": load_errors,
        "ignored_headers": IGNORED_HEADERS,
        "normalised": NORMALISED,
        "load_times": LOAD_TIMES,
        "datasets": results,
    }
    output = args.output or RESULTS / f"compare-answers-{names['before']}-{names['after']}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"\n{requests} answers compared over {len(results)} datasets: {requests - different} "
        f"identical, {different} different"
        + (f"; seeds not loaded by: {', '.join(load_errors)}" if load_errors else "")
        + f" ({summary['seconds']} s). Written to {_shown(output)}"
    )
    return 1 if different or load_errors else 0


if __name__ == "__main__":
    sys.exit(main())
