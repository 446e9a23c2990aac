"""Compression on the wire from gunicorn, as a real HTTP client decodes it."""

import json

import pytest
import requests

from tests.e2e.conftest import Server
from tests.e2e.test_gunicorn import fetch

pytestmark = pytest.mark.e2e

PATHS = ["/api/v1/events?limit=20", "/api/v1/actors/ann-example", "/api/v1/events.csv"]


@pytest.fixture
def session():
    with requests.Session() as session:
        session.trust_env = False  # never through a proxy from the environment
        yield session


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_requests_decodes_the_same_answer(server: Server, session, path, coding):
    # Accept as requests sends it (`*/*`): Accept is part of what the ETag identifies.
    identity = fetch(server.url(path), headers={"Accept-Encoding": "identity", "Accept": "*/*"})
    assert identity.status == 200 and "Content-Encoding" not in identity.headers
    answer = session.get(server.url(path), headers={"Accept-Encoding": coding}, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == coding
    # Fewer bytes on the wire, the same bytes once requests (urllib3) has decoded them.
    assert int(answer.headers["Content-Length"]) < len(identity.body)
    assert answer.content == identity.body
    if path.startswith("/api/v1/events?") or "/actors/" in path:
        assert answer.json() == json.loads(identity.body)
    assert "accept-encoding" in answer.headers["Vary"].lower()
    assert answer.headers["ETag"] == identity.headers["ETag"][:-1] + f':{coding}"'
    again = session.get(
        server.url(path),
        headers={"Accept-Encoding": coding, "If-None-Match": answer.headers["ETag"]},
        timeout=10,
    )
    assert again.status_code == 304 and again.content == b""


def test_head_and_the_default_client(server: Server, session):
    url = server.url("/api/v1/events?limit=20")
    head = session.head(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    get = session.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Content-Encoding"] == "gzip"
    # A client that says nothing of codings (urllib) gets identity.
    plain = fetch(url)
    assert "Content-Encoding" not in plain.headers
    assert json.loads(plain.body) == get.json()
