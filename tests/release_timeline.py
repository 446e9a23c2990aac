"""A timeline with a history: the fixture seeds, then an edit, an addition, a removal and
a rename, each loaded as a release; then an unchanged reload and a broken folder, which
make none. Built on both engines."""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.support import FIXTURE_SEEDS
from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.database import bind_database, migrate_database, release_database
from timeline_api.models import Release, database
from timeline_api.seeds import SeedError, load_seeds


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def seed_folders(root: Path) -> dict[str, Path]:
    """The folders curators would have written, one per step."""
    folders = {"initial": _copy(FIXTURE_SEEDS, root / "initial")}
    edit = folders["edit"] = _copy(folders["initial"], root / "edit")
    edit_yaml(
        edit / "events" / "alpha-plan.yaml", lambda d: d.update(title="Alpha plan, corrected")
    )
    addition = folders["addition"] = _copy(edit, root / "addition")
    gamma = yaml.safe_load((addition / "events" / "same-day-a.yaml").read_text())
    gamma.update(slug="gamma-event", title="Gamma event", date="2022-01-10")
    (addition / "events" / "gamma-event.yaml").write_text(yaml.safe_dump(gamma))
    removal = folders["removal"] = _copy(addition, root / "removal")
    (removal / "events" / "same-day-c.yaml").unlink()
    rename = folders["rename"] = _copy(removal, root / "rename")
    old = rename / "events" / "same-day-b.yaml"
    edit_yaml(old, lambda d: d.update(slug="same-day-b-renamed", previous_slugs=["same-day-b"]))
    old.rename(rename / "events" / "same-day-b-renamed.yaml")
    broken = folders["broken"] = _copy(rename, root / "broken")
    edit_yaml(broken / "events" / "alpha-plan.yaml", lambda d: d.update(date="2021-13-01"))
    # The data of release 1 again, loaded after the others: a renamed slug is taken back
    # only by renaming its record back (a new record may not take it).
    restore = folders["restore"] = _copy(folders["initial"], root / "restore")
    edit_yaml(
        restore / "events" / "same-day-b.yaml",
        lambda d: d.update(previous_slugs=["same-day-b-renamed"]),
    )
    return folders


STEPS = ["initial", "edit", "addition", "removal", "rename"]
MESSAGES = {"edit": "Correct the alpha plan's title"}


@dataclass
class Timeline:
    url: str
    folders: dict[str, Path]
    client: object = None
    reports: dict = field(default_factory=dict)

    def load(self, step: str, message: str | None = None):
        bind_database(self.url, role="command")
        return load_seeds(self.folders[step], message=message)

    def releases(self) -> list[Release]:
        return list(Release.select().order_by(Release.number))


@pytest.fixture(autouse=True)
def own_snapshot_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SNAPSHOT_DIR", str(tmp_path / "snapshots"))


@pytest.fixture
def timeline(database_url: str, tmp_path: Path) -> Timeline:
    bind_database(database_url, role="command")
    migrate_database()
    built = Timeline(database_url, seed_folders(tmp_path / "seeds"))
    for step in STEPS:
        built.reports[step] = built.load(step, MESSAGES.get(step))
    built.reports["unchanged"] = built.load("rename")
    with pytest.raises(SeedError):
        built.load("broken")
    app = create_app(Config(DATABASE_URL=database_url, TESTING=True))
    built.client = app.test_client()
    bind_database(database_url, role="command")
    yield built
    if not database.is_closed():
        database.close()
    release_database()
