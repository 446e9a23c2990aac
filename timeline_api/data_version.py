"""The data version that the per-worker caches key on, and the SQLite connection kept with it.

Every seed load writes a new version into DatasetState in the same transaction as the
data. The response cache (api/response_cache.py) reads it once per API request, before
the app runs, and leaves it in the WSGI environ under DATA_VERSION_ENVIRON for the rest
of the request: the totals cache (api/counts.py) and the kept SQLite connection below key
on the same value.

Replacing the SQLite file under a running API is not a supported way to restore it (the
workers' connections and their WAL files belong to the old one): restore through SQLite's
backup API (`sqlite3 FILE ".restore BACKUP"`) or with the API stopped. What the code below
does guard against is a file that is gone or is no longer the one it opened: it then
reconnects, and answers 503 while the path holds no database.
"""

import os
import sqlite3
import threading
from urllib.parse import quote

from peewee import PeeweeException
from playhouse.pool import MaxConnectionsExceeded

from timeline_api.models import DatasetState, database

# Set by the response cache for the API requests it sees: the version, or None when it
# could not be read. Absent for other routes (pages, probes, /metrics).
DATA_VERSION_ENVIRON = "timeline_api.data_version"
# The time of that version's release, read with it (as the engine returns it), for
# Last-Modified (api/caching.py) without another query.
RELEASE_TIME_ENVIRON = "timeline_api.release_time"
VERSION_QUERY = "SELECT version, loaded_at FROM datasetstate WHERE id = 1"


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


class DataVersionProbe:
    """Reads the data version, as cheaply as it can, before the app runs.

    On SQLite it uses one connection kept for the worker's life: a new connection parses
    the whole schema before its first statement, which cost more than serving a cached
    answer. It is reopened when the file at the path is another file. On PostgreSQL it is
    one query through the pool. None means "no version known" (no data yet, or a failing
    database): the request then takes the ordinary path, which answers or fails as the
    database does.
    """

    # A lock held by someone else is reported quickly: the ordinary path has its own wait.
    SQLITE_TIMEOUT_SECONDS = 0.1

    def __init__(self, url: str):
        self._sqlite_path = sqlite_file_path(url)
        self._connection: sqlite3.Connection | None = None
        self._file_identity: tuple[int, int] | None = None
        self._lock = threading.Lock()  # gunicorn may run threads (GUNICORN_THREADS)

    def read(self) -> str | None:
        """The current data version, or None when it cannot be told."""
        return self.read_with_time()[0]

    def read_with_time(self) -> tuple[str | None, object]:
        """The current data version and its release's time (a datetime, or the text SQLite
        stores), or (None, None) when they cannot be told."""
        if self._sqlite_path is None:
            return self._read_through_models()
        with self._lock:
            return self._read_sqlite()

    def _read_through_models(self) -> tuple[str | None, object]:
        query = DatasetState.select(DatasetState.version, DatasetState.loaded_at).where(
            DatasetState.id == 1
        )
        try:
            if not database.is_closed():
                # Inside a request (counts.py checks the version again): its connection;
                # connection_context() would close it on leaving, mid-request.
                rows = list(query.tuples())
            else:
                with database.connection_context():
                    rows = list(query.tuples())
        except (PeeweeException, MaxConnectionsExceeded):
            return None, None  # the ordinary path meets the same fault and answers for it
        return rows[0] if rows else (None, None)

    def _read_sqlite(self) -> tuple[str | None, object]:
        identity = file_identity(self._sqlite_path)
        if identity is None:
            self._close()
            return None, None
        try:
            if self._connection is None or identity != self._file_identity:
                self._close()
                # mode=rw: never create the file when it has just gone missing.
                self._connection = sqlite3.connect(
                    f"file:{quote(self._sqlite_path)}?mode=rw",
                    uri=True,
                    timeout=self.SQLITE_TIMEOUT_SECONDS,
                    isolation_level=None,  # autocommit: each read sees the latest commit
                    check_same_thread=False,
                )
                self._file_identity = identity
            rows = self._connection.execute(VERSION_QUERY).fetchall()  # all: the statement ends
        except sqlite3.Error:
            self._close()
            return None, None
        return rows[0] if rows else (None, None)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection, self._file_identity = None, None


class KeptSqliteConnection:
    """Keeps a worker's SQLite connection from one request to the next, while it is safe.

    A new connection parses the whole schema on its first statement and starts with an
    empty page cache: at 100,000 events that cost more than the queries of a page. The
    connection is dropped, and the next query opens a fresh one, when it could read
    something else than the request must: the file at the path is not the one it opened
    (gone, moved), it reads another data version than the one the response cache read
    for this request (a statement left running holds an old snapshot), or that version is
    unknown (no data, a failing database: such requests run as before, with a connection
    of their own).
    """

    def __init__(self, path: str):
        self.path = path
        self._state = threading.local()  # peewee's connections are per thread, too

    def check(self, environ: dict) -> None:
        """Before a request: drop the kept connection unless it is fit for this request."""
        probed = DATA_VERSION_ENVIRON in environ
        version = environ.get(DATA_VERSION_ENVIRON)
        self._state.keep = not probed or version is not None
        if not database.is_closed() and (
            file_identity(self.path) != getattr(self._state, "identity", None)
            or (probed and (version is None or self._read_version() != version))
        ):
            database.close()
        if database.is_closed():
            self._state.identity = file_identity(self.path)

    def keep_after_request(self) -> bool:
        """Whether the connection may serve the next request (checked again then)."""
        return getattr(self._state, "keep", False)

    def _read_version(self) -> str | None:
        try:
            rows = database.connection().execute(VERSION_QUERY).fetchall()
        except sqlite3.Error:
            return None
        return rows[0][0] if rows else None
