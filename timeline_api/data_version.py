"""Each request's connection, and the one snapshot an API request is served from.

Every seed load writes a new data version into DatasetState in the same transaction as the
data. An API request begins a read transaction on its own connection and reads that
version (with its release's time) once, first: the response cache (api/response_cache.py)
keys on it and leaves it in the WSGI environ (DATA_VERSION_ENVIRON, RELEASE_TIME_ENVIRON),
where the totals cache (api/counts.py) and Last-Modified (api/caching.py) find it. Every
later query of the request reads the same snapshot (SQLite: a read transaction on a WAL
database; PostgreSQL: REPEATABLE READ), so a load committing meanwhile can neither mix two
versions into one answer nor be kept under the version read before it.

Replacing the SQLite file under a running API is not a supported way to restore it (the
workers' connections and their WAL files belong to the old one): restore through SQLite's
backup API (`sqlite3 FILE ".restore BACKUP"`) or with the API stopped. What the code below
does guard against is a file that is gone or is no longer the one it opened: it then
reconnects, and answers 503 while the path holds no database.
"""

import datetime as dt
import os
import sqlite3
import threading
import weakref
from contextlib import suppress

from flask import has_request_context, request
from peewee import PeeweeException
from playhouse.pool import MaxConnectionsExceeded

from timeline_api.models import DatasetState, database

# Set by the response cache for the API requests it sees: the version, or None when it
# could not be read. Absent for other routes (pages, probes, /metrics).
DATA_VERSION_ENVIRON = "timeline_api.data_version"
# The time of that version's release, read with it, for Last-Modified (api/caching.py)
# and the exports' dates without another query (release_state()).
RELEASE_TIME_ENVIRON = "timeline_api.release_time"
# PostgreSQL takes a REPEATABLE READ snapshot at the transaction's first query (the
# version's read); READ ONLY: a request never writes.
POSTGRES_SNAPSHOT = "REPEATABLE READ READ ONLY"


def release_state() -> tuple[str, dt.datetime] | None:
    """The data version this request reads and its release's time (naive UTC, as stored):
    as its snapshot began, without a query; read from the database outside a snapshot or
    while reading a past release's (as_of). None when there is no data."""
    environ = request.environ if has_request_context() else {}
    version = environ.get(DATA_VERSION_ENVIRON)
    if version is not None and not database.overridden():
        return version, environ[RELEASE_TIME_ENVIRON]
    state = DatasetState.get_or_none(DatasetState.id == 1)
    return (state.version, state.loaded_at) if state else None


def sqlite_file_path(url: str) -> str | None:
    """The file of a `sqlite:///` URL (None for another engine or an in-memory database)."""
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None
    return path if path and not path.startswith(":memory:") else None


def file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class StatementClosingConnection(sqlite3.Connection):
    """A SQLite connection that can close every statement its cursors left running: an
    unfinished statement keeps its read snapshot, even past COMMIT or ROLLBACK, so a kept
    connection would read old data in the next request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cursors: weakref.WeakSet[sqlite3.Cursor] = weakref.WeakSet()

    def cursor(self, *args, **kwargs) -> sqlite3.Cursor:
        cursor = super().cursor(*args, **kwargs)
        self._cursors.add(cursor)
        return cursor

    def close_cursors(self) -> None:
        for cursor in list(self._cursors):
            cursor.close()


class RequestConnections:
    """The one connection lifecycle of requests, per thread (peewee's connections are).

    PostgreSQL: a request takes a pooled connection on its first query and gives it back
    at its end. SQLite: a worker keeps its connection from one request to the next: a new
    one parses the whole schema on its first statement and starts with an empty page
    cache, which at 100,000 events cost more than the queries of a page. It is replaced
    when the file at the path is not the one it opened (gone, moved), and closed after a
    request that failed.
    """

    def __init__(self, url: str):
        self.sqlite_path = sqlite_file_path(url)
        postgres = url.startswith(("postgresql://", "postgres://"))
        # SQLite's deferred BEGIN: the first read (the version's) takes the snapshot.
        self._snapshot = {"isolation_level": POSTGRES_SNAPSHOT} if postgres else {}
        self._state = threading.local()

    def begin_snapshot(self) -> tuple[str | None, dt.datetime | None]:
        """Begin this request's read transaction and read in it the data version and its
        release's time: the request's one read of them. (None, None) when they cannot be
        told (no data yet, a failing database): the request then runs outside a snapshot
        and answers as the database lets it."""
        self.drop_if_replaced()
        snapshot = database.transaction(**self._snapshot)
        try:
            # Entered here, left in end_request(): the transaction spans the middleware's
            # call of the app, so no `with` block can hold it.
            snapshot.__enter__()
            self._state.snapshot = snapshot
            rows = list(
                DatasetState.select(DatasetState.version, DatasetState.loaded_at)
                .where(DatasetState.id == 1)
                .tuples()
            )
        except (PeeweeException, MaxConnectionsExceeded):
            rows = []
        if not rows:
            self.end_request(failed=True)
            return None, None
        return rows[0]

    def in_snapshot(self) -> bool:
        return getattr(self._state, "snapshot", None) is not None

    def drop_if_replaced(self) -> None:
        """Before a request: close the kept SQLite connection if its file was replaced."""
        if self.sqlite_path is None:
            return
        identity = file_identity(self.sqlite_path)
        if not database.is_closed() and identity != getattr(self._state, "identity", None):
            database.close()
        if database.is_closed():
            self._state.identity = identity

    def end_request(self, failed: bool = False) -> None:
        """After a request: end its snapshot (read only: rolled back), then keep the SQLite
        connection for the next request, or close it (a pooled one goes back to its pool)."""
        snapshot, self._state.snapshot = getattr(self._state, "snapshot", None), None
        if snapshot is not None:
            snapshot.db.pop_transaction()
            try:
                snapshot.rollback(begin=False)
            except PeeweeException:
                failed = True
        if database.is_closed():
            return
        connection = database.connection()
        if self.sqlite_path is not None and not failed and hasattr(connection, "close_cursors"):
            connection.close_cursors()
            return
        with suppress(PeeweeException):
            database.close()
