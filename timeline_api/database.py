"""Opening the database named by DATABASE_URL, and the one connection lifecycle."""

from pathlib import Path

from flask import Flask, request
from peewee import Database, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect
from playhouse.migrations import Runner

from timeline_api.data_version import KeptSqliteConnection, sqlite_file_path
from timeline_api.models import DatasetState, database
from timeline_api.search import search_backend

# WAL lets readers (the API workers) run while the seed loader writes; foreign keys
# make ON DELETE CASCADE work; the busy timeout waits for a lock instead of failing at once.
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1}
# A request waiting on a locked database gives up (503) within a second; the CLI's
# writers (seed, migrate) wait for another writer to finish: a first load of 100,000
# events holds the lock for its whole minute (it writes while it reads).
SQLITE_BUSY_TIMEOUT_MS = {"request": 600, "command": 600_000}
SQLITE_REQUEST_CACHE_KIB = 16_000
# A load writes a batch of events into a dozen tables and their indexes at a time: with
# SQLite's 2 MB default page cache it re-read the same pages over and over (a 100,000-event
# first load spent 5 s more).
SQLITE_COMMAND_CACHE_KIB = 256_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 7_202_008
POSTGRES_POOL_SIZE = 8
POSTGRES_CONNECT_TIMEOUT = 1  # seconds: an unreachable server means a prompt 503
POSTGRES_STATEMENT_TIMEOUT_MS = {"request": 5_000, "command": 0}  # 0: no limit


def open_database(url: str, role: str = "request") -> Database:
    """Return a peewee database for a `sqlite:///` or `postgresql://` URL (not yet connected).

    `role` is "request" for the API's workers and "command" for the CLI's writers.
    """
    if sqlite_file_path(url):
        Path(sqlite_file_path(url)).parent.mkdir(parents=True, exist_ok=True)
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
        db._pragmas = [*SQLITE_PRAGMAS.items(), ("cache_size", -SQLITE_COMMAND_CACHE_KIB)]
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
                # Under the lock too: replicas creating the search table at once collided.
                search_backend(db).create_schema(db)
            finally:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))
        else:
            # SQLite: an IMMEDIATE transaction holds the write lock for the whole run.
            with db.atomic("IMMEDIATE"):
                applied = Runner(db, str(MIGRATIONS_DIR)).up()
            search_backend(db).create_schema(db)
    if applied:
        # A migration may have changed the tables: the next load compares all of them.
        with db.connection_context():
            DatasetState.update(written_by=None).execute()
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
            kept.check(request.environ)

    @app.teardown_appcontext
    def _close(exc: BaseException | None) -> None:
        if database.is_closed():
            return
        if kept is None or exc is not None or not kept.keep_after_request():
            database.close()
