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
