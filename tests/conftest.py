"""Shared fixtures: a fresh SQLite database per test, loaded from small fixture seeds."""

import os
import shutil
import socket
from pathlib import Path

import pytest

from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.database import bind_database
from timeline_api.models import database
from timeline_api.seeds import load_seeds

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_SEEDS = FIXTURES / "seeds"
FIXTURE_ARTICLES = FIXTURES / "articles"
REAL_SEEDS = REPO_ROOT / "seeds"
SHARED_ARTICLES = REPO_ROOT.parent / "shared" / "articles"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's machine that lacks a component; under CI, fail instead."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required under CI: {reason}")
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    # A file, not :memory:, because each request closes its connection.
    return f"sqlite:///{tmp_path / 'timeline.sqlite3'}"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture seeds, for tests that break or change them."""
    target = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, target)
    return target


@pytest.fixture
def empty_db(database_url: str):
    db = bind_database(database_url)
    yield db
    if not database.is_closed():
        database.close()


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
