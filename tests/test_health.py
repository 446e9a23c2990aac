import pytest

from timeline_api.models import database


def test_healthz_is_alive_without_the_database(client):
    database.execute_sql("DROP TABLE datasetstate")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_the_loaded_dataset(client):
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["events"] == 6 and body["release"] == 1
    assert len(body["data_version"]) == 64


def test_readyz_is_503_before_seeding(database_url, empty_db):
    from timeline_api.app import create_app
    from timeline_api.config import Config

    response = create_app(Config(DATABASE_URL=database_url)).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "timeline-api seed" in response.get_json()["detail"]


def test_readyz_is_503_when_the_database_is_broken(client):
    database.execute_sql("DROP TABLE datasetstate")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("migrated", [False, True])
def test_an_unseeded_database_says_to_run_seed(database_url, migrated, request):
    """A new, empty database (DATABASE_URL pointing at a fresh file): readiness and every
    data endpoint say what to do, not "no such table" or "try again shortly"."""
    from timeline_api.app import create_app
    from timeline_api.config import Config
    from timeline_api.database import bind_database, migrate_database, release_database

    if migrated:
        bind_database(database_url, role="command")
        migrate_database()
        release_database()
    client = create_app(Config(DATABASE_URL=database_url, TESTING=True)).test_client()
    # Migrated but not seeded, the data endpoints answer honestly that there is nothing;
    # readiness still says what to do. Without tables, every one of them says it.
    urls = ["/readyz"]
    if not migrated:
        urls += ["/api/v1/events", "/api/v1/tags", "/api/v1/events/facets"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 503, (url, response.get_json())
        assert "run `timeline-api seed`" in response.get_json()["detail"], url
