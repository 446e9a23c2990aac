"""Paths and small helpers shared by tests, fixtures and the test servers."""

import os
import socket
from pathlib import Path

import pytest

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
