"""Each request does its work once: the search query parsed once, the data version and the
releases read once, and everything it answers read from that one snapshot.

Counts, not timings (bench/trace_request.py prints every figure for any request)."""

import logging
import threading

import pytest
import yaml

from timeline_api.api import pagination
from timeline_api.api.bounded_cache import BoundedCache
from timeline_api.api.counts import EXTENSION_KEY as TOTALS_KEY
from timeline_api.api.events import filters
from timeline_api.models import DatasetState, database
from timeline_api.seeds import load_seeds


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
    sql = _statements_while(lambda: client.get(url).status_code == 200 or pytest.fail(url))
    assert len([statement for statement in sql if '"dataset_release"' in statement]) == 1


def _statements_while(fetch) -> list[str]:
    """The SQL statements peewee sent while `fetch()` ran (every query of a request)."""
    logger, statements = logging.getLogger("peewee"), _Statements()
    level = logger.level
    logger.addHandler(statements)
    logger.setLevel(logging.DEBUG)
    try:
        fetch()
    finally:
        logger.removeHandler(statements)
        logger.setLevel(level)
    return statements.sql


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?limit=2",
        "/api/v1/events?q=plan&tag=privacy",
        "/api/v1/events/alpha-plan",
        "/api/v1/events/facets?tag=privacy",
        "/api/v1/events.csv",
        "/api/v1/events?format=ics",
        "/api/v1/tags",
    ],
)
def test_the_data_version_is_read_once_per_request_hit_or_miss(client, url):
    """On the request's own connection, first: the snapshot it is served from."""

    def version_reads(headers=None) -> int:
        answers = []
        sql = _statements_while(lambda: answers.append(client.get(url, headers=headers)))
        assert answers[0].status_code in (200, 304)
        return len([statement for statement in sql if '"datasetstate"' in statement])

    assert version_reads() == 1  # a miss, rendered
    assert version_reads() == 1  # a hit, replayed
    etag = client.get(url).headers["ETag"]
    assert version_reads({"If-None-Match": etag}) == 1  # a 304 without rendering
    assert version_reads({"Origin": "https://other.example"}) == 1  # a miss, total kept


def _load_in_another_thread(seeds) -> None:
    """A seed load committed by another connection (as the loader's process does), now."""
    failures = []

    def load() -> None:
        try:
            with database.connection_context():
                load_seeds(seeds)
        except Exception as error:  # reported in the test's thread
            failures.append(error)

    loader = threading.Thread(target=load)
    loader.start()
    loader.join(timeout=60)
    assert not loader.is_alive() and not failures, failures


def test_a_load_committing_mid_request_is_neither_mixed_in_nor_kept_under_the_old_version(
    app, client, seeds_copy, monkeypatch
):
    """A load commits between the count and the page query: the request still answers
    from the snapshot its data version was read in (old total, old items, old ETag), and
    what it keeps is what that version says; the next request reads the new release."""
    url = "/api/v1/events?limit=100"
    before = client.get(url, headers={"Origin": "https://first.example"})  # its own key
    old_version = DatasetState.get_by_id(1).version
    edited = seeds_copy / "events" / "alpha-plan.yaml"
    event = yaml.safe_load(edited.read_text())
    event["title"] = "Retitled by a load mid-request"
    edited.write_text(yaml.safe_dump(event))
    (seeds_copy / "events" / "forum-meeting.yaml").unlink()

    totals = BoundedCache[int](16)
    monkeypatch.setitem(app.extensions, TOTALS_KEY, totals)  # so the total is counted
    counted = pagination.count_rows
    loads = []

    def count_then_load(query):
        total = counted(query)
        if not loads:
            loads.append(_load_in_another_thread(seeds_copy))
        return total

    monkeypatch.setattr(pagination, "count_rows", count_then_load)
    during = client.get(url)
    assert loads, "the load ran inside the request"
    assert during.status_code == 200
    assert during.get_json() == before.get_json()  # old total and old items, not a mix
    assert during.headers["ETag"] == before.headers["ETag"]
    assert during.headers["Last-Modified"] == before.headers["Last-Modified"]
    assert {key[0] for key in totals._entries} == {old_version}
    kept = app.extensions["response_cache"]
    assert {key[0] for key in kept._entries} == {old_version}
    assert all(entry.body == before.get_data() for entry in kept._entries.values())

    after = client.get(url)  # the new release: read, not replayed from the old one
    assert DatasetState.get_by_id(1).version != old_version
    assert after.get_json()["total"] == before.get_json()["total"] - 1
    assert "Retitled by a load mid-request" in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
