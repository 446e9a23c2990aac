"""Turning a seed load into a release: which records changed, and their new revisions.

Runs inside the load's transaction, under its lock, so a release, its revisions and the
tables it describes are committed together or not at all, and two loads never number
the same release. Nothing here updates or deletes a revision or a release.
"""

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from peewee import chunked, fn

from timeline_api.bulk import insert_rows, raw_rows, update_rows
from timeline_api.models import Record, Release, Revision
from timeline_api.releases.records import CHANGES, KINDS, PLURALS, EncodedRecord, iso


@dataclass
class RecordedRelease:
    """A release just written."""

    number: int
    created_at: dt.datetime
    counts: dict[str, dict[str, int]]
    # {kind: slugs of the records it changed}, a renamed record's old slug too
    changed: dict[str, set[str]] = field(default_factory=dict)


class SlugsRenamedAway(Exception):
    """Records taking a slug that an earlier release renamed another record of their kind
    away from (new records, or renamed ones): the old slug redirects to that record for
    good, and another record there would take over its links and its feed and calendar
    ids. Nothing is written."""

    def __init__(self, reused: list[tuple[dict, str]]):
        self.reused = reused  # (the seed record, the reason)
        super().__init__("; ".join(reason for _, reason in reused))


@dataclass
class _Head:
    id: int
    slug: str
    digest: str
    revision: int
    created_release: int
    updated_release: int
    deleted_release: int | None
    kind: str = ""
    new: bool = False


def release_time(previous: dt.datetime | None, now: dt.datetime | None = None) -> dt.datetime:
    """Now in UTC, to the second (as Last-Modified and If-Modified-Since carry it), and
    always after the previous release, so a release's time tells it from the one before."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    if previous is not None and now <= previous:
        now = previous + dt.timedelta(seconds=1)
    return now


def record_release(
    encoded: dict[str, list[EncodedRecord]],
    data_version: str,
    event_count: int,
    message: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[RecordedRelease | None, dict[str, tuple[str, str, int]]]:
    """Compare `encoded` ({kind: encoded seed records}) with the latest revisions and write a
    new release with a revision for every record that changed (None, and no write, when
    nothing did); also each event's (created_at, updated_at, revision) for the tables."""
    times = dict(Release.select(Release.number, Release.created_at).tuples())
    latest = max(times, default=0)
    number = latest + 1
    created_at = release_time(times.get(latest), now)
    times[number] = created_at
    stamps = {release: iso(time) for release, time in times.items()}
    next_record = (Record.select(fn.MAX(Record.id)).scalar() or 0) + 1
    next_revision = (Revision.select(fn.MAX(Revision.id)).scalar() or 0) + 1

    new_records: list[dict] = []
    changed_records: list[dict] = []
    revisions: list[dict] = []
    counts = {kind: Counter() for kind in KINDS}
    changed: dict[str, set[str]] = {kind: set() for kind in KINDS}
    event_meta = {}
    reused: list[tuple[dict, str]] = []

    def revise(head: _Head, kind: str, slug: str, change: str, text: str | None, previous=None):
        nonlocal next_revision
        revisions.append(
            {
                "id": next_revision,
                "record": head.id,
                "kind": kind,
                "slug": slug,
                "release": number,
                "number": head.revision,
                "change": change,
                "previous_slug": previous,
                "content": text,
            }
        )
        next_revision += 1
        counts[kind][change] += 1
        changed[kind].update((slug, previous) if previous else (slug,))

    for kind in KINDS:
        live: dict[str, _Head] = {}
        gone: dict[str, _Head] = {}
        query = (
            Record.select(
                Record.id,
                Record.slug,
                Record.digest,
                Record.revision,
                Record.created_release,
                Record.updated_release,
                Record.deleted_release,
            )
            .where(Record.kind == kind)
            .order_by(Record.id)
        )
        for row in raw_rows(query):
            head = _Head(*row)
            (live if head.deleted_release is None else gone)[head.slug] = head
        desired = encoded[kind]
        desired_slugs = {item.slug for item in desired}
        claimed: set[str] = set()
        # {slug: (seed record, record id, the release that had removed it, else 0)} of the
        # records taking a slug they did not have: new, restored or renamed records
        taken: dict[str, tuple[dict, int, int]] = {}
        for item in desired:
            record, slug, content_digest = item.record, item.slug, item.digest
            head, change, previous = live.get(slug), None, None
            if head is not None:
                claimed.add(slug)
                if head.digest != content_digest:
                    change = "updated"
            else:
                for old in record.get("previous_slugs") or ():
                    if old in live and old not in claimed and old not in desired_slugs:
                        head, change, previous = live[old], "renamed", old
                        claimed.add(old)
                        taken[slug] = (record, head.id, 0)
                        break
                if head is None:
                    change = "created"
                    head = gone.get(slug)  # a removed record restored: the same record
                    if head is None:
                        head = _Head(next_record, slug, "", 0, number, number, None, kind, True)
                        next_record += 1
                        new_records.append(head)
                    taken[slug] = (record, head.id, head.deleted_release or 0)
            if change is not None:
                head.slug, head.digest = slug, content_digest
                head.revision += 1
                head.updated_release, head.deleted_release = number, None
                if not head.new:
                    changed_records.append(head)
                revise(head, kind, slug, change, item.text, previous)  # made only here
            if kind == "event":
                event_meta[slug] = (
                    stamps[head.created_release],
                    stamps[head.updated_release],
                    head.revision,
                )
        for slug, head in live.items():
            if slug not in claimed:
                head.revision += 1
                head.updated_release = head.deleted_release = number
                changed_records.append(head)
                revise(head, kind, slug, "deleted", None)
        for old, (renamed, new, release) in _renamed_away(kind, sorted(taken)).items():
            record, record_id, removed_in = taken[old]
            # Its own old slug (a rename back), or one whose last word is a removal since.
            if renamed == record_id or release < removed_in:
                continue
            reason = (
                f"{old!r} was the slug of the {kind} renamed to {new!r} in release {release}, "
                f"whose old URLs redirect there for good, so no other {kind} may take it. "
                f"Choose another slug; or, to rename that {kind} back instead, list {new!r} "
                "in this file's previous_slugs"
            )
            reused.append((record, reason))

    if reused:
        raise SlugsRenamedAway(reused)
    if not revisions:
        return None, event_meta
    insert_rows(Record, [{"kind": head.kind, **_record_row(head)} for head in new_records])
    update_rows(Record, [_record_row(head) for head in changed_records])
    insert_rows(Revision, revisions)
    release = _write_release(
        number, created_at, counts, changed, data_version, event_count, message
    )
    return release, event_meta


def _renamed_away(kind: str, slugs: list[str]) -> dict[str, tuple[int, str, int]]:
    """{slug: (the record renamed, the slug it was renamed to, in which release)} of those
    `slugs` that a record of `kind` was renamed away from (the latest such rename)."""
    found = {}
    for batch in chunked(slugs, 500):
        query = (
            Revision.select(
                Revision.previous_slug, Revision.record, Revision.slug, Revision.release
            )
            .where((Revision.kind == kind) & Revision.previous_slug.in_(batch))
            .order_by(Revision.id)
        )
        for old, record_id, new, release in query.tuples():
            found[old] = (record_id, new, release)
    return found


def _write_release(
    number: int,
    created_at: dt.datetime,
    counts: dict[str, Counter],
    changed: dict[str, set[str]],
    data_version: str,
    event_count: int,
    message: str | None,
) -> RecordedRelease:
    full_counts = {kind: {change: counts[kind][change] for change in CHANGES} for kind in KINDS}
    Release.insert(
        number=number,
        created_at=created_at,
        data_version=data_version,
        message=message,
        counts=json.dumps(full_counts, separators=(",", ":")),
        event_count=event_count,
    ).execute()
    return RecordedRelease(number, created_at, full_counts, changed)


def write_first_records(items: list[EncodedRecord], first_id: int) -> None:
    """Write the records `items` (of one kind, in slug order) as release 1 creates them,
    numbered from `first_id` as record_release numbers them: kinds in KINDS order, then
    slugs; each record has one revision, with the record's id. A first load writes them
    batch by batch (seeds/sync.FirstReleaseWriter), then the release (write_first_release)."""
    records, revisions = [], []
    for record_id, item in enumerate(items, first_id):
        records.append(
            {
                "kind": item.kind,
                "id": record_id,
                "slug": item.slug,
                "digest": item.digest,
                "revision": 1,
                "created_release": 1,
                "updated_release": 1,
                "deleted_release": None,
            }
        )
        revisions.append(
            {
                "id": record_id,
                "record": record_id,
                "kind": item.kind,
                "slug": item.slug,
                "release": 1,
                "number": 1,
                "change": "created",
                "previous_slug": None,
                "content": item.text,
            }
        )
    insert_rows(Record, records)
    insert_rows(Revision, revisions)


def write_first_release(
    encoded: dict[str, list[EncodedRecord]],
    created_at: dt.datetime,
    data_version: str,
    event_count: int,
    message: str | None = None,
) -> RecordedRelease | None:
    """Release 1 of the records `encoded` ({kind: encoded records}), whose record rows
    write_first_records wrote (None, and no write, when there are none)."""
    if not any(encoded.values()):
        return None
    counts = {kind: Counter(created=len(encoded.get(kind, ()))) for kind in KINDS}
    changed = {kind: {item.slug for item in encoded.get(kind, ())} for kind in KINDS}
    return _write_release(1, created_at, counts, changed, data_version, event_count, message)


def _record_row(head: _Head) -> dict:
    return {
        "id": head.id,
        "slug": head.slug,
        "digest": head.digest,
        "revision": head.revision,
        "created_release": head.created_release,
        "updated_release": head.updated_release,
        "deleted_release": head.deleted_release,
    }


def records_of(dataset) -> dict[str, list[dict]]:
    """{kind: records} of a seeds Dataset."""
    places = {place["slug"]: place for place in getattr(dataset, "places", ())}
    records = {kind: getattr(dataset, PLURALS[kind]) for kind in KINDS}
    records["event"] = [
        event_record(event, places.get(event.get("_place"))) for event in records["event"]
    ]
    return records


def event_record(event: dict, location: dict | None) -> dict:
    """An event's record: it carries its resolved place (seeds/places.py resolves it from
    the gazetteer at load time), so a gazetteer that moves a place changes the events
    there, and a past release shows them as they were placed then."""
    return {**event, "location": location}
