"""SQLite files for the benchmark: seeded through the real loader, plus Datasette's copy.

The load runs in a child process (`python -m bench.databases SEEDS DB`) so its time and
peak memory are the loader's alone, as `timeline-api seed` would see them. A loaded file is
reused while the generator and the code that shapes the database are unchanged: the 100k
load is the slowest step of a run.
"""

import cProfile
import hashlib
import io
import json
import os
import pstats
import resource
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.appsource import AppSource
from bench.datasets import GENERATOR_VERSION, DatasetInfo

ROOT = Path(__file__).resolve().parent.parent
# Whatever decides what a loaded database contains: a change here means reloading.
LOADER_SOURCES = ["timeline_api/seeds", "timeline_api/migrations", "timeline_api/search"]
LOADER_FILES = ["timeline_api/models.py", "timeline_api/database.py", "timeline_api/dates.py"]


@dataclass
class LoadResult:
    """How long the real loader took for one dataset, and what it wrote."""

    size: int
    db_path: str
    load_seconds: float  # load_seeds() alone, as `timeline-api seed` runs it
    process_seconds: float  # the whole child process: imports, migrate, load
    peak_rss_mb: float
    db_megabytes: float
    summary: str
    cached: bool = False
    loaded_at: str = ""


def _code_key(size: int, source: AppSource) -> str:
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{size}".encode())
    paths = [source.root / name for name in LOADER_FILES]
    for folder in LOADER_SOURCES:
        paths += sorted((source.root / folder).rglob("*.py"))
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_database(
    info: DatasetInfo, db_path: Path, source: AppSource, fresh: bool = False
) -> LoadResult:
    """Load `info`'s seeds into `db_path` with the real loader, or reuse an up-to-date file."""
    stamp = db_path.with_suffix(".load.json")
    key = _code_key(info.size, source)
    if not fresh and db_path.is_file() and stamp.is_file():
        saved = json.loads(stamp.read_text())
        if saved.pop("key", None) == key:
            return LoadResult(**{**saved, "cached": True})
    for stale in db_path.parent.glob(db_path.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.databases",
            str(Path(info.seeds_dir).resolve()),
            str(db_path.resolve()),
        ],
        cwd=source.root,
        env=source.env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    child = json.loads(output.strip().splitlines()[-1])
    result = LoadResult(
        size=info.size,
        # Relative to the checkout: the stamp and the committed results name no machine path.
        db_path=os.path.relpath(db_path.resolve(), ROOT),
        load_seconds=child["load_seconds"],
        process_seconds=round(time.perf_counter() - started, 2),
        peak_rss_mb=child["peak_rss_mb"],
        db_megabytes=round(db_path.stat().st_size / 2**20, 1),
        summary=child["summary"],
        loaded_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    stamp.write_text(json.dumps({**asdict(result), "key": key}))
    return result


def profile_load(
    seeds_dir: str, db_path: Path, out: Path, source: AppSource, top: int = 25
) -> None:
    """cProfile one load (in a child process) and write the top functions to `out`."""
    for stale in db_path.parent.glob(db_path.name + "*"):
        stale.unlink()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.databases",
            str(Path(seeds_dir).resolve()),
            str(db_path.resolve()),
            "--profile",
            str(out.resolve()),
            "--top",
            str(top),
        ],
        cwd=source.root,
        env=source.env(),
        check=True,
        capture_output=True,
    )


def _child(seeds_dir: str, db_path: str, profile_out: str | None, top: int) -> None:
    """Seed `db_path` as `timeline-api seed` does, then print timings as one JSON line."""
    from timeline_api.database import bind_database, migrate_database
    from timeline_api.seeds import load_seeds

    db = bind_database(f"sqlite:///{db_path}", role="command")  # the CLI's connection
    migrate_database()
    profiler = cProfile.Profile() if profile_out else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    report = load_seeds(seeds_dir)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    # Fold the WAL into the main file, so a read-only (immutable) reader sees every row.
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    if profiler and profile_out:
        from bench.profiling import shorten_paths

        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        Path(profile_out).write_text(
            f"load_seeds({seeds_dir}) under cProfile: {seconds:.1f} s\n\n"
            + shorten_paths(stream.getvalue()),
            encoding="utf-8",
        )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "load_seconds": round(seconds, 2),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "summary": report.summary(),
            }
        )
    )


# Datasette serves views that give its rows the same content as our list and detail:
# tags, actors with roles and sources per event (and citations with quotes, points and
# related events for the detail), built with SQLite's JSON functions.
_TAGS = (
    "(SELECT json_group_array(slug) FROM (SELECT t.slug FROM eventtag et "
    "JOIN tag t ON t.id = et.tag_id WHERE et.event_id = e.id ORDER BY t.slug))"
)
_ACTORS = (
    "(SELECT json_group_array(json_object('slug', slug, 'name', name, 'actor_type', "
    "actor_type, 'country', country, 'role', role)) FROM (SELECT a.slug, a.name, a.actor_type,"
    " a.country, ea.role FROM eventactor ea JOIN actor a ON a.id = ea.actor_id "
    "WHERE ea.event_id = e.id ORDER BY ea.position))"
)
_ACTOR_SLUGS = (
    "(SELECT json_group_array(DISTINCT a.slug) FROM eventactor ea "
    "JOIN actor a ON a.id = ea.actor_id WHERE ea.event_id = e.id)"
)
_SOURCES = (
    "(SELECT json_group_array(slug) FROM (SELECT s.slug FROM citation c "
    "JOIN source s ON s.id = c.source_id WHERE c.event_id = e.id ORDER BY c.position))"
)
_CITATIONS = (
    "(SELECT json_group_array(json_object('source', json_object('slug', slug, 'publisher', "
    "publisher, 'headline', headline, 'published', published), 'quotes', json(quotes))) FROM "
    "(SELECT s.slug, s.publisher, s.headline, s.published, (SELECT json_group_array(text) "
    "FROM (SELECT q.text FROM quote q WHERE q.citation_id = c.id ORDER BY q.position)) "
    "AS quotes FROM citation c JOIN source s ON s.id = c.source_id WHERE c.event_id = e.id "
    "ORDER BY c.position))"
)
_POINTS = (
    "(SELECT json_group_array(json_object('summary', p.summary, 'quote', p.quote, 'source', "
    "s.slug)) FROM eventpoint p JOIN source s ON s.id = p.source_id WHERE p.event_id = e.id)"
)
_RELATED = (
    "(SELECT json_group_array(json_object('relation', relation, 'direction', direction, "
    "'note', note, 'event', json_object('slug', slug, 'title', title, 'date', date, "
    "'date_precision', date_precision))) FROM ("
    "SELECT r.relation_type AS relation, 'outgoing' AS direction, r.note, o.slug, o.title, "
    "o.date, o.date_precision FROM eventrelation r JOIN event o ON o.id = r.target_id "
    "WHERE r.event_id = e.id UNION ALL "
    "SELECT r.relation_type, 'incoming', r.note, o.slug, o.title, o.date, o.date_precision "
    "FROM eventrelation r JOIN event o ON o.id = r.event_id WHERE r.target_id = e.id))"
)
_EVENT_COLUMNS = (
    "e.id, e.slug, e.title, e.summary, e.date, e.date_precision, e.date_start, e.date_end, "
    "e.date_note, e.event_type, e.place, e.country, substr(e.date, 1, 4) AS year"
)
DATASETTE_VIEWS = {
    "event_summary": f"SELECT {_EVENT_COLUMNS}, {_TAGS} AS tags, {_ACTORS} AS actors, "
    f"{_ACTOR_SLUGS} AS actor_slugs, {_SOURCES} AS sources FROM event e",
    "event_detail": f"SELECT {_EVENT_COLUMNS}, {_TAGS} AS tags, {_ACTORS} AS actors, "
    f"{_SOURCES} AS sources, {_CITATIONS} AS citations, {_POINTS} AS points, "
    f"{_RELATED} AS related FROM event e",
}


def datasette_copy(db_path: Path, copy_path: Path) -> Path:
    """Copy the loaded database for Datasette (rollback journal, plus the two views)."""
    stamp = copy_path.with_suffix(".views.json")
    source_stat = db_path.stat()
    key = json.dumps([source_stat.st_size, source_stat.st_mtime_ns, DATASETTE_VIEWS])
    if copy_path.is_file() and stamp.is_file() and stamp.read_text() == key:
        return copy_path
    copy_path.parent.mkdir(parents=True, exist_ok=True)
    copy_path.unlink(missing_ok=True)
    source, copy = sqlite3.connect(db_path), sqlite3.connect(copy_path)
    try:
        source.backup(copy)
        # Immutable mode reads the main file only: no WAL in Datasette's copy.
        copy.execute("PRAGMA journal_mode=DELETE")
        for name, sql in DATASETTE_VIEWS.items():
            copy.execute(f"DROP VIEW IF EXISTS {name}")
            copy.execute(f"CREATE VIEW {name} AS {sql}")
        copy.commit()
    finally:
        source.close()
        copy.close()
    stamp.write_text(key)
    return copy_path


def main(argv: list[str]) -> None:
    """Entry point of the loading child process."""
    profile_out = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    top = int(argv[argv.index("--top") + 1]) if "--top" in argv else 25
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    _child(argv[0], argv[1], profile_out, top)


if __name__ == "__main__":
    main(sys.argv[1:])
