import pytest

from timeline_api.config import DEFAULT_DATABASE_URL, Config


def test_defaults():
    config = Config.from_env({})
    assert config.DATABASE_URL == DEFAULT_DATABASE_URL
    assert config.CORS_ORIGINS == ["*"]
    assert config.CACHE_MAX_AGE == 60


def test_environment_overrides():
    config = Config.from_env(
        {
            "DATABASE_URL": "sqlite:///x.db",
            "CORS_ORIGINS": "https://a.example, https://b.example",
            "CACHE_MAX_AGE": "0",
        }
    )
    assert config.DATABASE_URL == "sqlite:///x.db"
    assert config.CORS_ORIGINS == ["https://a.example", "https://b.example"]
    assert config.CACHE_MAX_AGE == 0


@pytest.mark.parametrize("value", ["-1", "ten", ""])
def test_bad_cache_max_age(value):
    with pytest.raises(ValueError, match="CACHE_MAX_AGE"):
        Config.from_env({"CACHE_MAX_AGE": value})


def test_unsupported_database_url():
    with pytest.raises(ValueError, match="DATABASE_URL must start with"):
        Config.from_env({"DATABASE_URL": "mysql://db/timeline"})


def test_trusted_proxy_hops():
    assert Config.from_env({"TRUSTED_PROXY_HOPS": "1"}).TRUSTED_PROXY_HOPS == 1
    with pytest.raises(ValueError, match="TRUSTED_PROXY_HOPS"):
        Config.from_env({"TRUSTED_PROXY_HOPS": "one"})


def test_behind_a_trusted_proxy_the_client_address_and_scheme_come_from_it(database_url):
    from tests.support import FIXTURE_SEEDS
    from timeline_api.app import create_app
    from timeline_api.database import bind_database, migrate_database
    from timeline_api.seeds import load_seeds

    bind_database(database_url, role="command")
    migrate_database()
    load_seeds(FIXTURE_SEEDS)
    app = create_app(Config(DATABASE_URL=database_url, TRUSTED_PROXY_HOPS=1, RATE_LIMIT="1/minute"))
    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example"}
    first = client.get("/api/v1/events", headers={**headers, "X-Forwarded-For": "203.0.113.1"})
    assert first.get_json()["links"]["first"].startswith("https://api.example/")
    other = client.get("/api/v1/events", headers={**headers, "X-Forwarded-For": "203.0.113.2"})
    assert other.status_code == 200  # another client, another budget
    again = client.get("/api/v1/events", headers={**headers, "X-Forwarded-For": "203.0.113.1"})
    assert again.status_code == 429


def test_response_cache_entries():
    assert Config.from_env({}).RESPONSE_CACHE_ENTRIES == 2048
    assert Config.from_env({"RESPONSE_CACHE_ENTRIES": "0"}).RESPONSE_CACHE_ENTRIES == 0
    with pytest.raises(ValueError, match="RESPONSE_CACHE_ENTRIES"):
        Config.from_env({"RESPONSE_CACHE_ENTRIES": "-1"})
