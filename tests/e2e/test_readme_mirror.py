"""The README's "Syncing a local copy" script, run as written against a real server while
releases are made: each run gets exactly what changed since the last, and the copy ends
with the API's events, each as its URL answers it (but for the summaries of other events
it embeds, which the README says follow those events' own changes)."""

import json
import os
import re
import subprocess
import sys

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import OPENER, running_server
from tests.release_timeline import seed_folders


def _mirror_script(base_url: str) -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Syncing a local copy.**", 1)[1]
    script = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    assert 'API = "http://127.0.0.1:8000"' in script
    return script.replace('API = "http://127.0.0.1:8000"', f"API = {base_url!r}")


def _get(url: str) -> dict:
    with OPENER.open(url, timeout=10) as response:
        return json.load(response)


def test_the_readme_mirror_follows_every_release(tmp_path):
    folders = seed_folders(tmp_path / "seeds")
    work = tmp_path / "mirror"
    work.mkdir()
    with running_server(tmp_path) as (server, _):
        (work / "mirror.py").write_text(_mirror_script(server.base_url))

        def mirror() -> list[str]:
            done = subprocess.run(
                [sys.executable, "mirror.py"], cwd=work, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, done.stderr
            return done.stdout.splitlines()

        def seed(step: str) -> None:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}"}
            subprocess.run(
                [sys.executable, "-m", "timeline_api.cli", "seed", str(folders[step])],
                env=env,
                cwd=REPO_ROOT,
                check=True,
                capture_output=True,
                timeout=60,
            )

        first = mirror()
        assert first[0].startswith("release 1: created ")
        cursor = first[-1].rsplit(" ", 1)[1]
        assert mirror() == [first[-1]]  # nothing new: the same cursor, nothing printed
        seed("removal")  # an edit, an addition and a removal: release 2
        assert sorted(mirror()[:-1]) == [
            "release 2: created gamma-event",
            "release 2: deleted same-day-c",
            "release 2: updated alpha-plan",
        ]
        seed("rename")
        assert mirror()[:-1] == ["release 3: renamed same-day-b-renamed"]
        state = json.loads((work / "mirror.json").read_text())
        assert state["cursor"] != cursor
        listed = _get(server.url("/api/v1/events?limit=100"))["items"]
        assert sorted(state["events"]) == sorted(item["slug"] for item in listed)
        for slug, event in state["events"].items():
            now = _get(server.url(f"/api/v1/events/{slug}"))
            # Embedded summaries of other events follow those events' changes (README).
            event.pop("related"), now.pop("related")
            assert event == now, slug
        stale = state["events"]["beta-rejects-plan"]  # unchanged, relates to alpha-plan
        assert (
            _get(server.url("/api/v1/events/beta-rejects-plan"))["updated_at"]
            == (stale["updated_at"])
        )
