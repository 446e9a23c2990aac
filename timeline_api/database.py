"""Opening the database named by DATABASE_URL, and the one connection lifecycle."""

import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from flask import Flask
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
    """Bind the app's database; a request connects on its first query and closes at its end."""
    bind_database(app.config["DATABASE_URL"])

    @app.teardown_appcontext
    def _close(exc: BaseException | None) -> None:
        if not database.is_closed():
            database.close()


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
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None
        self._sqlite_path = path if path and not path.startswith(":memory:") else None
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
        try:
            status = os.stat(self._sqlite_path)
        except OSError:
            self._close()
            return None
        identity = (status.st_dev, status.st_ino)
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
