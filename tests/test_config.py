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
