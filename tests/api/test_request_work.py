"""Each request does its work once: the search query parsed once, the releases read once.

Counts, not timings (bench/trace_request.py prints every figure for any request)."""

import logging

import pytest

from timeline_api.api.events import filters


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """Every `q` parsed while the test runs."""
    parsed, parse = [], filters.parse_search

    def counting(text: str):
        parsed.append(text)
        return parse(text)

    monkeypatch.setattr(filters, "parse_search", counting)
    return parsed


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?q=plan&tag=privacy&sort=-date&limit=2",
        "/api/v1/events?q=plan",  # counted by the search index alone
        "/api/v1/events/facets?q=plan&tag=privacy",
        "/api/v1/events.csv?q=plan",
        "/api/v1/events?q=plan&format=ics",
    ],
)
def test_the_search_query_is_parsed_once_per_request(client, parses, url):
    assert client.get(url).status_code == 200
    assert parses == ["plan"]


class _Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.sql.append(record.msg[0] if isinstance(record.msg, tuple) else str(record.msg))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?as_of=1&limit=2",
        "/api/v1/events/alpha-plan?as_of=1",
        "/api/v1/events/facets?as_of=1",
        "/api/v1/events.csv?as_of=1",
    ],
)
def test_the_release_shown_is_read_once_per_request(client, url):
    """`as_of` naming the latest release: one read of the releases, for both the check and
    the release shown."""
    logger, statements = logging.getLogger("peewee"), _Statements()
    level = logger.level
    logger.addHandler(statements)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get(url).status_code == 200
    finally:
        logger.removeHandler(statements)
        logger.setLevel(level)
    assert len([sql for sql in statements.sql if '"dataset_release"' in sql]) == 1
