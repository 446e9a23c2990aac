"""Shared fixtures: a fresh SQLite database per test, loaded from small fixture seeds."""

import shutil
from pathlib import Path

import pytest

from tests.postgres_server import PostgresServer, find_server_binaries
from tests.release_timeline import own_snapshot_folder, timeline  # noqa: F401  (fixtures)
from tests.support import (  # noqa: F401  (re-exported for test modules)
    FIXTURE_ARTICLES,
    FIXTURE_SEEDS,
    FIXTURES,
    IN_CI,
    REAL_SEEDS,
    REPO_ROOT,
    SHARED_ARTICLES,
    free_port,
    require,
)
from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.database import bind_database, migrate_database, release_database
from timeline_api.models import database
from timeline_api.seeds import load_seeds

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL cluster for the whole run, on a loopback port."""
    bin_dir = find_server_binaries()
    require(bin_dir is not None, "no PostgreSQL server binaries (apt-get install postgresql)")
    server = PostgresServer(bin_dir).start()
    try:
        yield server.create_database("timeline_test")
    finally:
        server.stop()


def _reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    # A file, not :memory:, because each request closes its connection.
    return f"sqlite:///{tmp_path / 'timeline.sqlite3'}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path: Path) -> str:
    """A fresh, empty database on each backend in turn: every test using it runs twice."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'timeline.sqlite3'}"
    url = request.getfixturevalue("postgres_server")
    _reset_postgres(url)
    return url


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture seeds, for tests that break or change them."""
    target = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, target)
    return target


@pytest.fixture
def empty_db(database_url: str):
    db = bind_database(database_url, role="command")
    migrate_database()
    yield db
    if not database.is_closed():
        database.close()
    release_database()


@pytest.fixture
def seeded_db(empty_db):
    load_seeds(FIXTURE_SEEDS)
    return empty_db


@pytest.fixture
def app(database_url: str, seeded_db):
    return create_app(Config(DATABASE_URL=database_url, TESTING=True))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded_sqlite(sqlite_database_url: str):
    """The fixture seeds in a SQLite database, for tests about one backend's neighbours."""
    bind_database(sqlite_database_url, role="command")
    migrate_database()
    load_seeds(FIXTURE_SEEDS)
    yield
    release_database()
