"""The compose stack as an operator runs it: the image built from the Dockerfile, three
replicas on PostgreSQL behind the proxy, reached through the proxy's published port.

The stack itself (one for all of tests/deploy) is in conftest.py; the proxy's caching,
faults and load are in test_topology.py.
"""

import re

import yaml

from tests.deploy.conftest import REPLICAS, Stack, docker
from tests.support import REAL_SEEDS

SEED_SLUGS = {
    yaml.safe_load(path.read_text(encoding="utf-8"))["slug"]
    for path in (REAL_SEEDS / "events").glob("*.yaml")
}


def test_ready_with_the_seeded_events(stack: Stack):
    ready = stack.get("/readyz")
    assert ready.status == 200, ready.body
    assert ready.json()["events"] == len(SEED_SLUGS)


def test_events_are_served_from_postgresql(stack: Stack):
    answer = stack.get("/api/v1/events?limit=100")
    assert answer.status == 200, answer.body
    body = answer.json()
    assert body["total"] == len(SEED_SLUGS)
    assert {event["slug"] for event in body["items"]} == SEED_SLUGS
    # The data is in the db service, not in a SQLite file inside the api containers.
    assert int(stack.psql("SELECT count(*) FROM event")) == len(SEED_SLUGS)


def test_replicas_are_healthy_and_only_the_proxy_is_published(stack: Stack):
    replicas = stack.containers("api")
    assert len(replicas) == REPLICAS
    assert all(stack.state(replica)["Health"]["Status"] == "healthy" for replica in replicas)
    # The one-shot seed job ran once, before them, and succeeded.
    (seed,) = stack.containers("seed")
    assert stack.state(seed)["ExitCode"] == 0
    for service in ("db", "redis", "api"):
        for container in stack.containers(service):
            assert docker("port", container).strip() == "", f"{service} is published"
    (proxy,) = stack.containers("proxy")
    assert docker("port", proxy).split() == ["80/tcp", "->", f"127.0.0.1:{stack.port}"]


def test_full_text_search_on_postgresql(stack: Stack):
    answer = stack.get("/api/v1/events?q=surveillance")
    assert answer.status == 200, answer.body
    found = {event["slug"]: event for event in answer.json()["items"]}
    hit = found.get("unhrc-privacy-dialogue-china-surveillance-statement")
    assert hit is not None, sorted(found)
    assert re.search(r"<mark>surveillance</mark>", hit["snippet"], re.IGNORECASE), hit
    assert stack.get("/api/v1/events?q=zyxwvutsrq").json()["total"] == 0


def test_swagger_ui_and_its_assets(stack: Stack):
    page = stack.get("/api/v1/docs")
    assert page.status == 200 and page.media_type == "text/html"
    assert b"swagger-ui" in page.body
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', page.body.decode())
    assert assets, page.body
    for asset in assets:
        answer = stack.get(asset)
        assert answer.status == 200 and answer.body, asset
    assert stack.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def _dataset(stack: Stack) -> dict:
    # loaded_at is when the data last changed: a database seeded afresh gets a new one.
    ready = stack.get("/readyz").json()
    return {key: ready[key] for key in ("events", "data_version", "loaded_at")}


def test_data_survives_restart_and_stop_start(stack: Stack):
    before = _dataset(stack)
    replicas = stack.containers("api")
    started = {replica: stack.state(replica)["StartedAt"] for replica in replicas}

    stack.must("restart")
    stack.up()
    assert all(stack.state(replica)["StartedAt"] != started[replica] for replica in replicas)
    assert _dataset(stack) == before

    stack.must("stop")
    # gunicorn (PID 1) got SIGTERM and shut down cleanly: not killed after the grace period.
    assert [stack.state(replica)["ExitCode"] for replica in replicas] == [0] * REPLICAS
    stack.up()
    assert _dataset(stack) == before
    assert stack.get("/api/v1/events").json()["total"] == len(SEED_SLUGS)
