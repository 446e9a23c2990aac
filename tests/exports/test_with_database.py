"""Every format accepts what `event_summaries` really returns for the fixture database."""

import datetime as dt

import pytest

from timeline_api.api.events.exports import export_sources
from timeline_api.api.events.representation import event_summaries
from timeline_api.exports import EXPORT_FORMATS, ExportContext
from timeline_api.models import Event, Source


@pytest.fixture
def real_input(app) -> tuple[list[dict], ExportContext]:
    with app.test_request_context():
        events = event_summaries(list(Event.select().order_by(Event.date_start, Event.slug)))
        sources = export_sources(Source.select())
    context = ExportContext(
        title="Fixture timeline",
        base_url="http://localhost",
        self_url="http://localhost/api/v1/events.csv",
        updated=dt.datetime(2025, 1, 1),
        sources=sources,
    )
    return events, context


@pytest.mark.parametrize("name", list(EXPORT_FORMATS))
def test_renders_event_summaries(name, real_input):
    events, context = real_input
    assert events and isinstance(events[0]["date_start"], dt.date)
    body = EXPORT_FORMATS[name].render(events, context)
    unfolded = body.replace(b"\r\n ", b"")  # iCalendar folds long lines
    assert all(event["slug"].encode() in unfolded for event in events)
    assert body == EXPORT_FORMATS[name].render(events, context)
