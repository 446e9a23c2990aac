"""The changes across releases, oldest first, as the `changes` feed pages them.

A change is a revision: its id orders the feed (ids are given in commit order, under the
loaders' lock) and is never reused, so a cursor naming one stays valid forever.
"""

from timeline_api.models import Record, Release, Revision
from timeline_api.releases.records import stored_content, utc

LABEL_FIELDS = ("title", "headline", "name")  # what a record is called, by kind


def _query(kinds: list[str] | None):
    query = (
        Revision.select(
            Revision.id,
            Revision.record,
            Revision.kind,
            Revision.slug,
            Revision.change,
            Revision.previous_slug,
            Revision.number,
            Revision.release,
            Release.created_at,
            Record.slug,
        )
        .join(Release, on=(Release.number == Revision.release))
        .switch(Revision)
        .join(Record, on=(Record.id == Revision.record))
    )
    if kinds:
        query = query.where(Revision.kind.in_(kinds))
    return query


def _change(row: tuple) -> dict:
    id_, record, kind, slug, change, previous_slug, number, release, released_at, slug_now = row
    return {
        "id": id_,
        "record": record,
        "kind": kind,
        "slug": slug,
        "change": change,
        "previous_slug": previous_slug,
        "revision": number,
        "release": release,
        "released_at": utc(released_at),
        "slug_now": slug_now,
    }


def changes_after(since: int, head: int, kinds: list[str] | None, limit: int) -> list[dict]:
    """At most `limit` changes with since < id <= head, oldest first."""
    rows = (
        _query(kinds)
        .where((Revision.id > since) & (Revision.id <= head))
        .order_by(Revision.id)
        .limit(limit)
        .tuples()
    )
    return [_change(row) for row in rows]


def changes_of_release(number: int, limit: int) -> list[dict]:
    rows = _query(None).where(Revision.release == number).order_by(Revision.id).limit(limit)
    return [_change(row) for row in rows.tuples()]


def first_change_of_release(number: int) -> int | None:
    return (
        Revision.select(Revision.id)
        .where(Revision.release == number)
        .order_by(Revision.id)
        .limit(1)
        .scalar()
    )


def latest_changes(kinds: list[str] | None, limit: int) -> list[dict]:
    """The newest `limit` changes, newest first, each with its label and changed fields."""
    changes = [
        _change(row) for row in _query(kinds).order_by(Revision.id.desc()).limit(limit).tuples()
    ]
    _describe(changes)
    return changes


def _describe(changes: list[dict]) -> None:
    """Give each change its record's label and the names of the fields it changed."""
    ids = [change["id"] for change in changes]
    contents = dict(
        Revision.select(Revision.id, Revision.content).where(Revision.id.in_(ids)).tuples()
    )
    for change in changes:
        text = contents.get(change["id"])
        content = stored_content(change["kind"], text) if text else {}
        change["label"] = next((content[f] for f in LABEL_FIELDS if content.get(f)), None)
        change["fields"] = []
        if change["change"] in ("updated", "renamed"):
            before = (
                Revision.select(Revision.content)
                .where(
                    (Revision.record == change["record"])
                    & (Revision.id < change["id"])
                    & Revision.content.is_null(False)
                )
                .order_by(Revision.id.desc())
                .limit(1)
                .scalar()
            )
            old = stored_content(change["kind"], before) if before else {}
            change["fields"] = sorted(
                name
                for name in set(old) | set(content)
                if name != "slug" and old.get(name) != content.get(name)
            )
