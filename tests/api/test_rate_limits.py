"""Rate limiting: off by default; per client IP with 429 problems when on; shared via Redis."""

import shutil
import subprocess
import time

import pytest

from tests.support import free_port, require
from timeline_api.app import create_app
from timeline_api.config import Config


def limited_client(database_url, limit="3/minute", storage="memory://"):
    return create_app(
        Config(DATABASE_URL=database_url, RATE_LIMIT=limit, RATE_LIMIT_STORAGE_URI=storage)
    ).test_client()


def test_off_by_default(client):
    for _ in range(30):
        response = client.get("/api/v1/tags")
        assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response.headers


def test_429_problem_with_retry_after_and_limit_headers(sqlite_database_url, seeded_sqlite):
    client = limited_client(sqlite_database_url)
    remaining = [client.get("/api/v1/tags").headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    response = client.get("/api/v1/events")
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert "3 per 1 minute" in response.get_json()["detail"]
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-RateLimit-Limit"] == "3"


def test_clients_are_counted_apart(sqlite_database_url, seeded_sqlite):
    client = limited_client(sqlite_database_url, "2/minute")
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(2):
            response = client.get("/api/v1/tags", environ_base={"REMOTE_ADDR": address})
            assert response.status_code == 200
    assert client.get("/api/v1/tags", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429


def test_probes_and_preflights_are_never_limited(sqlite_database_url, seeded_sqlite):
    client = limited_client(sqlite_database_url, "1/minute")
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.options("/api/v1/events").status_code == 200


@pytest.mark.parametrize(
    ("variable", "value"), [("RATE_LIMIT", "lots"), ("RATE_LIMIT_STORAGE_URI", "mongodb://x")]
)
def test_invalid_rate_limit_settings_fail_fast(variable, value):
    with pytest.raises(ValueError, match=variable):
        Config.from_env({variable: value, "RATE_LIMIT": "5/second"} | {variable: value})


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway Redis on a loopback port, as the compose deployment shares one."""
    server = shutil.which("redis-server")
    require(server is not None, "no redis-server (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def test_workers_share_the_count_through_redis(sqlite_database_url, seeded_sqlite, redis_url):
    # Two apps stand for two gunicorn workers (or replicas) behind one address.
    first = limited_client(sqlite_database_url, "3/minute", redis_url)
    second = limited_client(sqlite_database_url, "3/minute", redis_url)
    assert [first.get("/api/v1/tags").status_code for _ in range(2)] == [200, 200]
    assert second.get("/api/v1/tags").status_code == 200
    assert second.get("/api/v1/tags").status_code == 429
    assert first.get("/api/v1/tags").status_code == 429
