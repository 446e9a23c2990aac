"""Schema migrations: idempotent, and safe when several replicas migrate at once."""

import os
import subprocess
import sys

from peewee import SQL

from tests.support import REPO_ROOT
from timeline_api.database import MIGRATIONS_DIR, bind_database, migrate_database
from timeline_api.models import database

MIGRATIONS = sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))


def applied() -> list[str]:
    rows = database.execute(SQL("SELECT name FROM schema_migration ORDER BY name")).fetchall()
    return [name for (name,) in rows]


def test_migrating_twice_applies_nothing_the_second_time(database_url):
    bind_database(database_url, role="command")
    assert migrate_database() == MIGRATIONS
    assert migrate_database() == []
    assert applied() == MIGRATIONS


def test_replicas_migrating_at_once_all_succeed(database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "timeline_api.cli", "migrate"],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [replica.communicate(timeout=120) for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0, 0], outcomes
    bind_database(database_url, role="command")
    assert applied() == MIGRATIONS  # each applied exactly once


def test_places_migration_goes_down_and_up_again_with_data(database_url):
    """0004 (places) reverts cleanly on both engines, and a reload fills it again."""
    from playhouse.migrations import Runner

    from tests.conftest import FIXTURE_SEEDS
    from timeline_api.models import Event
    from timeline_api.seeds import load_seeds

    db = bind_database(database_url, role="command")
    migrate_database()
    load_seeds(FIXTURE_SEEDS)
    with db.connection_context():
        runner = Runner(db, str(MIGRATIONS_DIR))
        reverted = runner.down(target="0004_add_places")  # and every later migration
        assert reverted[-1] == "0004_add_places"
        assert not db.table_exists("place")
        assert "location_id" not in {column.name for column in db.get_columns("event")}
        assert runner.up() == list(reversed(reverted))
    report = load_seeds(FIXTURE_SEEDS)
    assert report.created["places"] == 3  # Exampleville (FR), and France and Germany
    assert Event.select().where(Event.location.is_null(False)).count() == 5
