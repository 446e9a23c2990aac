"""A load killed with SIGKILL at any point leaves the data, the releases and the history
exactly as they were; the next load then completes as if nothing had happened."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.support import FIXTURE_SEEDS, REPO_ROOT
from timeline_api.data_version import sqlite_file_path
from timeline_api.database import bind_database, migrate_database, release_database
from timeline_api.models import ALL_MODELS, Release, database
from timeline_api.seeds import load_seeds
from timeline_api.seeds.sync import SEED_LOCK_ID

EVENTS = 800  # about half a second of writing on SQLite here
# Seconds after the loader takes the write lock (its transaction has begun) to kill it.
# A load writes only what changed, so these stay within its write (about 0.3 s here).
KILL_DELAYS = [0.0, 0.05, 0.15]


def write_seeds(folder: Path, title: str, skip_every: int = 0) -> Path:
    """The fixture catalogues and EVENTS events made from one fixture event."""
    (folder / "events").mkdir(parents=True)
    for name in ("sources.yaml", "actors.yaml", "tags.yaml"):
        (folder / name).write_text((FIXTURE_SEEDS / name).read_text())
    template = yaml.safe_load((FIXTURE_SEEDS / "events" / "same-day-a.yaml").read_text())
    for n in range(EVENTS):
        if skip_every and n % skip_every == 0:
            continue
        slug = f"generated-{n:05d}"
        event = {**template, "slug": slug, "title": f"{title} {n}"}
        (folder / "events" / f"{slug}.yaml").write_text(yaml.safe_dump(event))
    return folder


def table_contents() -> dict:
    """Every row of every table (releases and revisions included)."""
    return {model.__name__: sorted(map(repr, model.select().tuples())) for model in ALL_MODELS}


def writer_holds_lock(url: str) -> bool:
    path = sqlite_file_path(url)
    if path:
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        (held,) = connection.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted",
            (SEED_LOCK_ID,),
        ).fetchone()
    return held > 0


def start_load(url: str, seeds: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "timeline_api.cli", "seed", str(seeds), "-m", "killed?"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def first_release(database_url, tmp_path) -> tuple[Path, dict]:
    """Release 1 loaded; returns the seeds of a second load and every row before it."""
    first = write_seeds(tmp_path / "first", "Generated event")
    second = write_seeds(tmp_path / "second", "Corrected event", skip_every=7)
    bind_database(database_url, role="command")
    migrate_database()
    load_seeds(first)
    before = table_contents()
    release_database()  # the loader must not wait on a connection of ours
    return second, before


@pytest.mark.parametrize("delay", KILL_DELAYS)
def test_a_load_killed_while_writing_changes_nothing(database_url, first_release, delay):
    second, before = first_release

    loader = start_load(database_url, second)
    deadline = time.monotonic() + 60
    while not writer_holds_lock(database_url):
        assert loader.poll() is None, "the load ended before it began writing"
        assert time.monotonic() < deadline, "the load never began writing"
        time.sleep(0.005)
    time.sleep(delay)
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
    assert loader.returncode in (0, -signal.SIGKILL)

    bind_database(database_url, role="command")
    if Release.select().count() == 2:
        # On a fast machine the load can commit before the kill: then all of it is there
        # (loading the same seeds again finds nothing to change), the other half of
        # all-or-nothing. The shorter delays kill it while it writes.
        assert load_seeds(second).release is None
        return
    assert table_contents() == before
    # The next load completes, as release 2.
    report = load_seeds(second)
    assert report.release.number == 2
    assert [r.number for r in Release.select()] == [1, 2]
    if not database.is_closed():
        database.close()
    release_database()


# Run as the loader process: after `step` has written its part of the load's transaction,
# say so (a marker file) and wait to be killed, so the kill lands mid-write for certain.
PAUSED_LOADER = """
import sys, time
from pathlib import Path
import timeline_api.seeds.sync as sync
from timeline_api.cli import main

step, marker, seeds = sys.argv[1:4]
*owner_path, name = step.split(".")  # a function of sync, or a class's method
owner = sync
for part in owner_path:
    owner = getattr(owner, part)
original = getattr(owner, name)

def paused(*args, **kwargs):
    result = original(*args, **kwargs)
    Path(marker).touch()
    time.sleep(120)
    return result

setattr(owner, name, paused)
sys.exit(main(["seed", seeds, "-m", "killed"]))
"""


@pytest.mark.parametrize(
    "step",
    [
        "record_release",  # the release and revisions written, not the tables
        "sync_tables",  # the tables written, not the search index
        "store_parsed_files",  # everything written but the commit
    ],
)
def test_a_load_killed_after_a_step_of_its_write_changes_nothing(
    database_url, first_release, tmp_path, step
):
    second, before = first_release
    kill_after(step, database_url, second, tmp_path / "paused")
    bind_database(database_url, role="command")
    assert table_contents() == before
    assert load_seeds(second).release.number == 2
    if not database.is_closed():
        database.close()
    release_database()


def test_a_first_load_killed_after_writing_part_of_it_leaves_the_database_empty(
    database_url, tmp_path
):
    """A first load writes while it reads (seeds/sync.FirstReleaseWriter)."""
    seeds = write_seeds(tmp_path / "first", "Generated event")
    bind_database(database_url, role="command")
    migrate_database()
    empty = table_contents()
    release_database()
    kill_after("FirstReleaseWriter.write", database_url, seeds, tmp_path / "paused")
    bind_database(database_url, role="command")
    assert table_contents() == empty
    assert load_seeds(seeds).release.number == 1
    if not database.is_closed():
        database.close()
    release_database()


def kill_after(step: str, url: str, seeds: Path, marker: Path) -> None:
    """Run a load that pauses after `step` of its transaction, and SIGKILL it there."""
    loader = subprocess.Popen(
        [sys.executable, "-c", PAUSED_LOADER, step, str(marker), str(seeds)],
        env={**os.environ, "DATABASE_URL": url},
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert loader.poll() is None, "the load ended before the step"
        assert time.monotonic() < deadline, "the load never reached the step"
        time.sleep(0.01)
    assert writer_holds_lock(url)  # inside the load's transaction
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
