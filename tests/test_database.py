"""Connections: a worker keeps its SQLite connection only while it reads what it must."""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.data_version import (
    DATA_VERSION_ENVIRON,
    DataVersionProbe,
    KeptSqliteConnection,
)
from timeline_api.database import bind_database
from timeline_api.models import database

VERSION_QUERY = "SELECT version FROM datasetstate"


@pytest.fixture
def kept(sqlite_database_url, seeded_sqlite):
    """A request-role binding, its kept connection and the response cache's probe."""
    bind_database(sqlite_database_url)
    path = sqlite_database_url.removeprefix("sqlite:///")
    return Path(path), KeptSqliteConnection(path), DataVersionProbe(sqlite_database_url)


def test_a_worker_keeps_its_connection_between_requests(sqlite_database_url, seeded_sqlite):
    client = create_app(Config(DATABASE_URL=sqlite_database_url)).test_client()
    assert client.get("/api/v1/events?limit=1").status_code == 200
    first = database.connection()
    assert client.get("/api/v1/events?limit=2").status_code == 200
    assert database.connection() is first
    assert first.execute("PRAGMA cache_size").fetchone()[0] < -2000  # more than the default
    # Readiness checks that a connection can be opened, so it closes the one it used.
    assert client.get("/readyz").status_code == 200
    assert database.is_closed()


def test_a_connection_on_an_older_snapshot_is_dropped(kept):
    """A statement left running holds its read snapshot, so the kept connection would read
    old data under the new version: it is replaced before the request instead."""
    path, connection_keeper, probe = kept
    connection_keeper.check({DATA_VERSION_ENVIRON: probe.read()})
    connection = database.connection()
    leaked = connection.execute("SELECT slug FROM event")
    leaked.fetchone()  # not exhausted: its snapshot stays open
    with closing(sqlite3.connect(path)) as writer:
        writer.execute("UPDATE datasetstate SET version = 'next-version'")
        writer.commit()
    assert probe.read() == "next-version"
    assert connection.execute(VERSION_QUERY).fetchone()[0] != "next-version"  # stale
    connection_keeper.check({DATA_VERSION_ENVIRON: "next-version"})
    assert database.is_closed()
    assert database.connection().execute(VERSION_QUERY).fetchone()[0] == "next-version"


def test_a_replaced_file_is_read_through_a_new_connection(kept, tmp_path):
    path, connection_keeper, probe = kept
    connection_keeper.check({DATA_VERSION_ENVIRON: probe.read()})
    database.connection().execute(VERSION_QUERY).fetchall()
    replacement = tmp_path / "replacement.sqlite3"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(replacement)) as copy:
        source.backup(copy)
        copy.execute("UPDATE datasetstate SET version = 'restored-version'")
        copy.commit()
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    shutil.move(replacement, path)
    connection_keeper.check({DATA_VERSION_ENVIRON: probe.read()})
    assert database.is_closed()
    assert database.connection().execute(VERSION_QUERY).fetchone()[0] == "restored-version"


def test_an_unknown_version_means_a_connection_of_the_request_own(kept):
    _, connection_keeper, probe = kept
    connection_keeper.check({DATA_VERSION_ENVIRON: probe.read()})
    database.connection()
    connection_keeper.check({DATA_VERSION_ENVIRON: None})  # the probe failed
    assert database.is_closed()
    database.connection()
    assert not connection_keeper.keep_after_request()


def test_a_gone_file_is_never_read_through_the_kept_connection(kept, tmp_path):
    path, connection_keeper, probe = kept
    connection_keeper.check({DATA_VERSION_ENVIRON: probe.read()})
    database.connection().execute(VERSION_QUERY).fetchall()
    path.rename(tmp_path / "moved.sqlite3")
    connection_keeper.check({})  # a route without a version (/readyz) checks the file too
    assert database.is_closed()
