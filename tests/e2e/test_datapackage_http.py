"""`frictionless validate` on the data package as published: the descriptor's URL on a real
gunicorn, its tables fetched over HTTP from the paths it gives."""

import json
import os
import subprocess

import pytest

from tests.api.test_dataset import FRICTIONLESS, TABLE_NAMES
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e


def test_frictionless_validates_the_published_package(server: Server):
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}  # loopback only
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", server.url("/api/v1/datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[-3000:]
    assert [task["name"] for task in report["tasks"]] == TABLE_NAMES
    # Each table was read from the server, at the path the descriptor gives.
    fetched = {json.loads(line).get("path") for line in server.log_lines() if line.startswith("{")}
    assert {f"/api/v1/datapackage/{name}.csv" for name in TABLE_NAMES} <= fetched
