"""Configuration, read from the environment in one place."""

import multiprocessing
import os
import sys
from dataclasses import dataclass, field

from limits import parse_many

DEFAULT_DATABASE_URL = "sqlite:///var/timeline.sqlite3"
SUPPORTED_DATABASE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("json", "text")
RATE_LIMIT_STORAGES = ("memory://", "redis://", "rediss://")


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass
class Config:
    """Settings for one app instance; `from_env` is what the server and CLI use."""

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    CORS_ORIGINS: list[str] = field(default_factory=lambda: ["*"])
    CACHE_MAX_AGE: int = 60
    LOG_LEVEL: str = "INFO"
    # One JSON object per line for log collectors; "text" for humans. Unset: text on a
    # terminal, JSON otherwise (containers, files, pipes).
    LOG_FORMAT: str = "json"
    RATE_LIMIT: str = ""  # e.g. "120/minute" per client IP; empty: no limit
    RATE_LIMIT_STORAGE_URI: str = "memory://"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust.
    TRUSTED_PROXY_HOPS: int = 0
    # Answers each worker keeps (api/response_cache.py); 0 turns the response cache off.
    RESPONSE_CACHE_ENTRIES: int = 2048
    TESTING: bool = False
    # Where and how `timeline-api serve` runs gunicorn (gunicorn_conf.py reads these).
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    WEB_CONCURRENCY: int = field(default_factory=lambda: min(4, multiprocessing.cpu_count() * 2))
    GUNICORN_THREADS: int = 1
    GUNICORN_TIMEOUT: int = 30
    GUNICORN_GRACEFUL_TIMEOUT: int = 20
    GUNICORN_KEEPALIVE: int = 5

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> "Config":
        """Build settings from environment variables; fail with a clear message on bad values."""
        environ = os.environ if environ is None else environ
        config = cls()
        config.DATABASE_URL = environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        if not config.DATABASE_URL.startswith(SUPPORTED_DATABASE_SCHEMES):
            raise ValueError(
                f"DATABASE_URL must start with one of {', '.join(SUPPORTED_DATABASE_SCHEMES)}, "
                f"not {config.DATABASE_URL.split(':', 1)[0]!r}."
            )
        if "CORS_ORIGINS" in environ:
            config.CORS_ORIGINS = _split_list(environ["CORS_ORIGINS"])
        if "CACHE_MAX_AGE" in environ:
            try:
                config.CACHE_MAX_AGE = int(environ["CACHE_MAX_AGE"])
            except ValueError:
                raise ValueError(
                    f"CACHE_MAX_AGE must be a whole number of seconds, "
                    f"not {environ['CACHE_MAX_AGE']!r}."
                ) from None
            if config.CACHE_MAX_AGE < 0:
                raise ValueError("CACHE_MAX_AGE must not be negative.")
        config.LOG_LEVEL = _choice(environ, "LOG_LEVEL", config.LOG_LEVEL, LOG_LEVELS)
        config.LOG_FORMAT = _choice(
            environ, "LOG_FORMAT", "text" if _on_a_terminal() else "json", LOG_FORMATS
        )
        config.RATE_LIMIT = (environ.get("RATE_LIMIT") or "").strip()
        if config.RATE_LIMIT:
            try:
                parse_many(config.RATE_LIMIT)
            except ValueError:
                raise ValueError(
                    f"RATE_LIMIT must be like '120/minute' or '10/second;1000/hour', "
                    f"not {config.RATE_LIMIT!r}."
                ) from None
        storage = environ.get("RATE_LIMIT_STORAGE_URI") or config.RATE_LIMIT_STORAGE_URI
        if not storage.startswith(RATE_LIMIT_STORAGES):
            raise ValueError(
                f"RATE_LIMIT_STORAGE_URI must start with one of {', '.join(RATE_LIMIT_STORAGES)}."
            )
        config.RATE_LIMIT_STORAGE_URI = storage
        hops = environ.get("TRUSTED_PROXY_HOPS") or "0"
        if not hops.isdigit():
            raise ValueError(f"TRUSTED_PROXY_HOPS must be a whole number, not {hops!r}.")
        config.TRUSTED_PROXY_HOPS = int(hops)
        entries = environ.get("RESPONSE_CACHE_ENTRIES") or str(config.RESPONSE_CACHE_ENTRIES)
        if not entries.isdigit():
            raise ValueError(
                f"RESPONSE_CACHE_ENTRIES must be a whole number (0: no cache), not {entries!r}."
            )
        config.RESPONSE_CACHE_ENTRIES = int(entries)
        config.HOST = (environ.get("HOST") or "").strip() or config.HOST
        if any(c.isspace() for c in config.HOST):
            raise ValueError(f"HOST must be an address to listen on, not {config.HOST!r}.")
        for name, minimum, maximum, meaning in SERVER_NUMBERS:
            setattr(
                config,
                name,
                _whole_number(environ, name, getattr(config, name), minimum, maximum, meaning),
            )
        return config


# Each server setting: its variable, the least and greatest value, and what it counts.
SERVER_NUMBERS = (
    ("PORT", 1, 65535, "a TCP port"),
    ("WEB_CONCURRENCY", 1, 1000, "gunicorn worker processes (at least one, or nothing answers)"),
    ("GUNICORN_THREADS", 1, 1000, "threads per worker"),
    ("GUNICORN_TIMEOUT", 0, None, "seconds (0: no timeout)"),
    ("GUNICORN_GRACEFUL_TIMEOUT", 0, None, "seconds"),
    ("GUNICORN_KEEPALIVE", 0, None, "seconds"),
)


def _whole_number(
    environ, name: str, default: int, minimum: int, maximum: int | None, meaning: str
) -> int:
    """`environ[name]` as a whole number in [minimum, maximum]; `default` when unset or empty."""
    text = (environ.get(name) or "").strip()
    if not text:
        return default
    upper = f" to {maximum}" if maximum is not None else " or more"
    expected = f"{name} must be a whole number from {minimum}{upper} ({meaning})"
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{expected}, not {text!r}.") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{expected}, not {value}.")
    return value


def _on_a_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


def _choice(environ, name: str, default: str, choices: tuple[str, ...]) -> str:
    """The one of `choices` that `environ[name]` names (any case); `default` when unset or empty."""
    value = (environ.get(name) or "").strip()
    if not value:
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
