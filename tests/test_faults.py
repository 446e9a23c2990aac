"""Database faults: every data endpoint and /readyz answer 503 problems within a second,
and the service recovers by itself when the database comes back (no restart)."""

import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.postgres_server import PostgresServer, find_server_binaries
from tests.support import FIXTURE_SEEDS, require
from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.database import bind_database, migrate_database, release_database
from timeline_api.seeds import load_seeds

PATHS = [
    "/readyz",
    "/api/v1/events",
    "/api/v1/events/alpha-plan",
    "/api/v1/tags",
    "/api/v1/events/facets",
    "/api/v1/events.csv",
]


def assert_unavailable_quickly(client, limit_seconds: float = 1.0) -> None:
    for path in PATHS:
        started = time.monotonic()
        response = client.get(path)
        elapsed = time.monotonic() - started
        assert response.status_code == 503, (path, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json"
        assert response.headers["Retry-After"]
        assert elapsed < limit_seconds, (path, elapsed)


def assert_serving(client) -> None:
    for path in PATHS:
        assert client.get(path).status_code == 200, path


@pytest.fixture
def sqlite_file(tmp_path: Path):
    path = tmp_path / "timeline.sqlite3"
    url = f"sqlite:///{path}"
    bind_database(url, role="command")
    migrate_database()
    load_seeds(FIXTURE_SEEDS)
    release_database()
    backup = tmp_path / "backup.sqlite3"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(backup)) as target:
        source.backup(target)
    client = create_app(Config(DATABASE_URL=url)).test_client()
    yield path, backup, client
    release_database()


def _restore(path: Path, backup: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    shutil.copy(backup, path)


def test_missing_sqlite_file(sqlite_file):
    path, backup, client = sqlite_file
    assert_serving(client)
    for file in path.parent.glob(path.name + "*"):
        file.unlink()
    assert_unavailable_quickly(client)
    _restore(path, backup)
    assert_serving(client)


def test_sqlite_file_that_is_not_a_database(sqlite_file):
    path, backup, client = sqlite_file
    for file in path.parent.glob(path.name + "*"):
        file.unlink()
    path.write_bytes(b"this is not a database " * 200)
    assert_unavailable_quickly(client)
    _restore(path, backup)
    assert_serving(client)


def test_locked_sqlite_file(sqlite_file):
    path, _, client = sqlite_file
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert_unavailable_quickly(client, limit_seconds=1.0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_serving(client)


@pytest.fixture
def postgres_app():
    """A server of its own, since this test stops and restarts it."""
    bin_dir = find_server_binaries()
    require(bin_dir is not None, "no PostgreSQL server binaries (apt-get install postgresql)")
    server = PostgresServer(bin_dir).start()
    try:
        url = server.create_database("faults")
        bind_database(url, role="command")
        migrate_database()
        load_seeds(FIXTURE_SEEDS)
        release_database()
        yield server, create_app(Config(DATABASE_URL=url)).test_client()
    finally:
        release_database()
        server.stop()


def test_postgresql_stopped_and_started_again(postgres_app):
    server, client = postgres_app
    assert_serving(client)  # the pool now holds connections that the restart will break
    server.pg_ctl("stop", "-m", "fast")
    assert_unavailable_quickly(client)
    server.pg_ctl("start")
    assert_serving(client)
