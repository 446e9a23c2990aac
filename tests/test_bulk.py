"""Many-row writes store what peewee's own inserts and updates would store."""

import datetime as dt

from timeline_api.bulk import insert_rows, insert_values, update_rows
from timeline_api.models import Actor, Event, EventActor, Place

EVENT = {
    "title": "T",
    "summary": "S",
    "date": "2020-09-08",
    "date_precision": "day",
    "date_start": dt.date(2020, 9, 8),
    "date_end": dt.date(2020, 9, 8),
    "date_note": "",
    "event_type": "statement",
}


def test_rows_written_in_bulk_read_back_as_written(empty_db):
    insert_rows(Place, [_place("p-1"), _place("p-2")])
    place_ids = dict(Place.select(Place.slug, Place.id).tuples())
    insert_rows(Event, [{"slug": "e-1", **EVENT, "location": place_ids["p-1"]}])
    insert_rows(Actor, [{"slug": "a-1", "name": "A", "actor_type": "person"}])
    event, actor = Event.get(Event.slug == "e-1"), Actor.get(Actor.slug == "a-1")

    insert_values(
        EventActor, ["event", "actor", "role", "position"], [(event.id, actor.id, "issuer", 0)]
    )
    update_rows(
        Event, [{"id": event.id, "location": place_ids["p-2"], "date_end": dt.date(2020, 9, 9)}]
    )

    event = Event.get_by_id(event.id)
    assert event.location.slug == "p-2"  # a foreign key given as an id
    assert (event.date_start, event.date_end) == (dt.date(2020, 9, 8), dt.date(2020, 9, 9))
    link = EventActor.get()
    assert (link.event.slug, link.actor.slug, link.role, link.position) == (
        "e-1",
        "a-1",
        "issuer",
        0,
    )


def test_nothing_to_write_is_no_statement(empty_db):
    insert_rows(Event, [])
    insert_values(EventActor, ["event", "actor", "role", "position"], [])
    update_rows(Event, [])

    assert Event.select().count() == 0


def _place(slug: str) -> dict:
    return {
        "slug": slug,
        "name": slug,
        "country": "CH",
        "latitude": 46.2,
        "longitude": 6.1,
        "gazetteer_id": None,
        "geo_precision": "city",
        "coordinates_from": "gazetteer",
    }
