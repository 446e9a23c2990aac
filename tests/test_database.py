"""Connections: a worker keeps its SQLite connection only while it reads what it must, and
each API request reads one snapshot, on its own connection."""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.data_version import RequestConnections
from timeline_api.database import bind_database, migrate_database
from timeline_api.models import database

VERSION_QUERY = "SELECT version FROM datasetstate"


@pytest.fixture
def kept(sqlite_database_url, seeded_sqlite):
    """A request-role binding and its connections, as a worker has them."""
    bind_database(sqlite_database_url)
    connections = RequestConnections(sqlite_database_url)
    yield Path(sqlite_database_url.removeprefix("sqlite:///")), connections
    connections.end_request()


def _version_read(connections: RequestConnections) -> str | None:
    """One request's data version, its snapshot ended as the request ends."""
    version, _ = connections.begin_snapshot()
    connections.end_request()
    return version


def test_a_worker_keeps_its_connection_between_requests(sqlite_database_url, seeded_sqlite):
    client = create_app(Config(DATABASE_URL=sqlite_database_url)).test_client()
    assert client.get("/api/v1/events?limit=1").status_code == 200
    first = database.connection()
    assert client.get("/api/v1/events?limit=2").status_code == 200
    assert database.connection() is first
    assert not first.in_transaction  # the request's snapshot ended with it
    assert first.execute("PRAGMA cache_size").fetchone()[0] < -2000  # more than the default
    # Readiness checks that a connection can be opened, so it closes the one it used.
    assert client.get("/readyz").status_code == 200
    assert database.is_closed()


def test_a_snapshot_reads_the_version_on_the_kept_connection(kept):
    _, connections = kept
    version, loaded_at = connections.begin_snapshot()
    connection = database.connection()
    assert connections.in_snapshot() and connection.in_transaction
    assert version == connection.execute(VERSION_QUERY).fetchone()[0] and loaded_at
    connections.end_request()
    assert not connections.in_snapshot() and not connection.in_transaction
    assert database.connection() is connection


def test_a_statement_left_running_does_not_outlive_its_request(kept):
    """An unfinished statement holds its read snapshot past the transaction's end, so the
    kept connection would read old data in the next request: it is closed with the
    request instead."""
    path, connections = kept
    connections.begin_snapshot()
    leaked = database.execute_sql("SELECT slug FROM event")
    leaked.fetchone()  # not exhausted: its snapshot stays open
    connections.end_request()
    with closing(sqlite3.connect(path)) as writer:
        writer.execute("UPDATE datasetstate SET version = 'next-version'")
        writer.commit()
    assert _version_read(connections) == "next-version"


def test_a_replaced_file_is_read_through_a_new_connection(kept, tmp_path):
    """A file replaced under the workers (a restore) is read, never the old one."""
    path, connections = kept
    assert _version_read(connections)
    replacement = tmp_path / "replacement.sqlite3"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(replacement)) as copy:
        source.backup(copy)
        copy.execute("UPDATE datasetstate SET version = 'restored-version'")
        copy.commit()
    for leftover in path.parent.glob(path.name + "*"):  # a restore replaces WAL files too
        leftover.unlink()
    shutil.move(replacement, path)
    assert _version_read(connections) == "restored-version"


def test_a_gone_file_is_never_read_through_the_kept_connection(kept, tmp_path):
    path, connections = kept
    assert _version_read(connections)
    assert not database.is_closed()
    path.rename(tmp_path / "moved.sqlite3")
    connections.drop_if_replaced()  # a route without a snapshot (/readyz) checks the file too
    assert database.is_closed()


def test_without_a_version_a_request_runs_outside_a_snapshot(sqlite_database_url):
    """No data loaded yet: nothing to key on, no snapshot; the connection is not kept."""
    bind_database(sqlite_database_url, role="command")
    migrate_database()
    bind_database(sqlite_database_url)
    connections = RequestConnections(sqlite_database_url)
    assert connections.begin_snapshot() == (None, None)
    assert not connections.in_snapshot() and database.is_closed()
