"""Opening the database named by DATABASE_URL, and the one connection lifecycle."""

import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from flask import Flask, request
from peewee import Database, PeeweeException, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect
from playhouse.migrations import Runner

from timeline_api.models import DatasetState, database
from timeline_api.search import search_backend

# WAL lets readers (the API workers) run while the seed loader writes; foreign keys
# make ON DELETE CASCADE work; the busy timeout waits for a lock instead of failing at once.
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1}
# A request waiting on a locked database gives up (503) within a second; the CLI's
# writers (seed, migrate) may wait longer for another writer to finish.
SQLITE_BUSY_TIMEOUT_MS = {"request": 600, "command": 30_000}
# Where the response cache leaves, for the rest of the request, the data version it read.
DATA_VERSION_ENVIRON = "timeline_api.data_version"
SQLITE_REQUEST_CACHE_KIB = 16_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 7_202_008
POSTGRES_POOL_SIZE = 8
POSTGRES_CONNECT_TIMEOUT = 1  # seconds: an unreachable server means a prompt 503
POSTGRES_STATEMENT_TIMEOUT_MS = {"request": 5_000, "command": 0}  # 0: no limit


def open_database(url: str, role: str = "request") -> Database:
    """Return a peewee database for a `sqlite:///` or `postgresql://` URL (not yet connected).

    `role` is "request" for the API's workers and "command" for the CLI's writers.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith(("postgresql://", "postgres://")):
        # A pool per worker process: connections are reused across requests instead of
        # paying a TCP + auth handshake each time; bounded waits keep failures fast.
        return connect(
            "postgresql+pool://" + url.split("://", 1)[1],
            max_connections=POSTGRES_POOL_SIZE,
            stale_timeout=300,
            timeout=5,
            connect_timeout=POSTGRES_CONNECT_TIMEOUT,
            # Requests give up on a slow statement; the CLI's writers (migrate waiting for
            # another replica's lock, seeding a large dataset) may take as long as they need.
            options=f"-c statement_timeout={POSTGRES_STATEMENT_TIMEOUT_MS[role]}",
        )
    # sqlite3's own timeout: it also covers the pragmas run on connecting (journal_mode).
    db = connect(url, timeout=SQLITE_BUSY_TIMEOUT_MS[role] / 1000)
    if isinstance(db, SqliteDatabase) and role == "command":
        # Only the CLI's writers need these: WAL mode is stored in the file once set, and
        # foreign keys matter only when rows change. Requests skip two statements each.
        db._pragmas = list(SQLITE_PRAGMAS.items())
    elif isinstance(db, SqliteDatabase):
        # A worker keeps its connection (KeptSqliteConnection), so a page cache larger
        # than SQLite's 2 MB default pays off on large datasets; it is bounded, so memory
        # stays flat as the data grows (a small database never fills it).
        db._pragmas = [("cache_size", -SQLITE_REQUEST_CACHE_KIB)]
    return db


def release_database() -> None:
    """Close every connection of the bound database (all of a pool's, too)."""
    previous = database.obj
    if previous is None:
        return
    if hasattr(previous, "close_all"):
        previous.close_all()
    elif not previous.is_closed():
        previous.close()


def bind_database(url: str, role: str = "request") -> Database:
    """Point the models at the database for `url` and make sure the schema exists."""
    release_database()  # a rebound process must not keep the old pool's connections open
    db = open_database(url, role)
    database.initialize(db)
    return db


def migrate_database() -> list[str]:
    """Apply pending migrations to the bound database; safe to run from several replicas.

    Returns the names of the migrations applied (none when the schema is up to date).
    """
    db = database.obj
    with db.connection_context():
        if isinstance(db, PostgresqlDatabase):
            # One replica migrates; the others wait here, then find nothing left to do.
            db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_ID,))
            try:
                applied = Runner(db, str(MIGRATIONS_DIR)).up()
            finally:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))
        else:
            # SQLite: an IMMEDIATE transaction holds the write lock for the whole run.
            with db.atomic("IMMEDIATE"):
                applied = Runner(db, str(MIGRATIONS_DIR)).up()
        search_backend(db).create_schema(db)
    return applied


def init_app(app: Flask) -> None:
    """Bind the app's database and manage each request's connection.

    PostgreSQL: a request takes a pooled connection on its first query and gives it back
    at its end. SQLite: see KeptSqliteConnection.
    """
    db = bind_database(app.config["DATABASE_URL"])
    path = sqlite_file_path(app.config["DATABASE_URL"]) if isinstance(db, SqliteDatabase) else None
    kept = KeptSqliteConnection(path) if path else None

    if kept is not None:

        @app.before_request
        def _check_kept_connection() -> None:
            kept.check(request.environ.get(DATA_VERSION_ENVIRON))

    @app.teardown_appcontext
    def _close(exc: BaseException | None) -> None:
        if database.is_closed():
            return
        if kept is None or exc is not None or not kept.keep_after_request():
            database.close()


def sqlite_file_path(url: str) -> str | None:
    """The file of a `sqlite:///` URL (None for another engine or an in-memory database)."""
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None
    return path if path and not path.startswith(":memory:") else None


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class KeptSqliteConnection:
    """Keeps a worker's SQLite connection from one request to the next, while it is safe.

    A new connection parses the whole schema on its first statement and starts with an
    empty page cache: at 100,000 events that cost more than the queries of a page. The
    connection is dropped, and the next query opens a fresh one, whenever it could differ
    from what the request must read: the file at the path is another one (replaced,
    restored, gone), the data version it reads is not the one the response cache read
    for this request (so an answer is only ever built from the data version it is keyed
    on), or there is no such version (no data, or a failing database: those requests run
    as before, with a connection of their own).
    """

    def __init__(self, path: str):
        self.path = path
        self._state = threading.local()  # peewee's connections are per thread, too

    def check(self, version: str | None) -> None:
        """Before a request: drop the kept connection unless it reads `version` of the
        same file."""
        self._state.version = version
        if database.is_closed():
            self._state.identity = _file_identity(self.path)
            return
        if (
            version is None
            or _file_identity(self.path) != getattr(self._state, "identity", None)
            or self._read_version() != version
        ):
            database.close()
            self._state.identity = _file_identity(self.path)

    def keep_after_request(self) -> bool:
        return getattr(self._state, "version", None) is not None

    def _read_version(self) -> str | None:
        try:
            rows = database.connection().execute(DataVersionProbe.QUERY).fetchall()
        except sqlite3.Error:
            return None
        return rows[0][0] if rows else None


class DataVersionProbe:
    """Reads the data version (DatasetState) for the response cache, as cheaply as it can.

    The version is read on every cacheable request, so on SQLite it comes from one
    connection kept open for the worker's life: a new connection would parse the whole
    schema before its first statement, which cost more than serving a hit. That connection
    is reopened whenever the file at the path is another file (replaced or restored), so it
    never reads a database the API no longer serves. On PostgreSQL it is one query through
    the pool. None means "no version known" (no data yet, or the database failed): the
    request then takes the ordinary path, which answers or fails as the database does.
    """

    QUERY = "SELECT version FROM datasetstate WHERE id = 1"
    # A lock held by someone else is reported quickly: the ordinary path has its own wait.
    SQLITE_TIMEOUT_SECONDS = 0.1

    def __init__(self, url: str):
        self._sqlite_path = sqlite_file_path(url)
        self._connection: sqlite3.Connection | None = None
        self._file_identity: tuple[int, int] | None = None
        self._lock = threading.Lock()  # gunicorn may run threads (GUNICORN_THREADS)

    def read(self) -> str | None:
        """The current data version, or None when it cannot be told."""
        if self._sqlite_path is None:
            return self._read_through_models()
        with self._lock:
            return self._read_sqlite()

    def _read_through_models(self) -> str | None:
        try:
            with database.connection_context():
                return (
                    DatasetState.select(DatasetState.version).where(DatasetState.id == 1).scalar()
                )
        except PeeweeException:
            return None

    def _read_sqlite(self) -> str | None:
        identity = _file_identity(self._sqlite_path)
        if identity is None:
            self._close()
            return None
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
            rows = self._connection.execute(self.QUERY).fetchall()  # all: the statement ends
        except sqlite3.Error:
            self._close()
            return None
        return rows[0][0] if rows else None

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection, self._file_identity = None, None
