"""Reading the releases and the history: which release a time means, what became of a slug,
and a record's revisions with what each one changed."""

import datetime as dt
import re
from dataclasses import dataclass

from peewee import fn

from timeline_api.models import Record, Release, Revision
from timeline_api.releases.records import stored_content, utc


class AsOfError(ValueError):
    """An `as_of` that names no release (before the first one, or in the future)."""


def latest_release() -> Release | None:
    return Release.select().order_by(Release.number.desc()).first()


def parse_as_of(text: str) -> int | dt.datetime:
    """A release number, or an ISO 8601 date-time (UTC if no offset) or date (its end, UTC:
    today's date then names the current release, see release_as_of)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    # An unencoded "+" in a query string arrives as a space: "...T12:00:00 01:00".
    text = re.sub(r"(T[0-9:.]+) ([0-9]{2}:?[0-9]{2})$", r"\1+\2", text, flags=re.IGNORECASE)
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max, dt.UTC)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise AsOfError(
            "Must be a release number or an ISO 8601 date-time (e.g. 2026-12-01T12:00:00Z) or date."
        ) from None
    return utc(moment)


def release_as_of(
    value: int | dt.datetime, latest: Release | None, now: dt.datetime | None = None
) -> Release:
    """The release that was current at `value` (a number names it directly), given the
    `latest` release (read once by the caller, who needs it too)."""
    if latest is None:
        raise AsOfError("There is no release yet.")
    if isinstance(value, int):
        if value < 1:
            raise AsOfError("Releases are numbered from 1.")
        if value > latest.number:
            raise AsOfError(
                f"Release {value} does not exist yet; the latest is release {latest.number}."
            )
        return latest if value == latest.number else Release.get(Release.number == value)
    now = now or dt.datetime.now(dt.UTC)
    # A release's time may run a little ahead of the clock (each is a second after the one
    # before it, see recording.release_time); up to it, the time is not in the future. Nor
    # is today's date (its end): "as of today" is the current release.
    end_of_today = dt.datetime.combine(now.astimezone(dt.UTC).date(), dt.time.max, dt.UTC)
    if value > max(now, utc(latest.created_at)) and value != end_of_today:
        raise AsOfError("Is in the future: the data of a time to come is not known yet.")
    naive = value.astimezone(dt.UTC).replace(tzinfo=None)
    release = (
        Release.select().where(Release.created_at <= naive).order_by(Release.number.desc()).first()
    )
    if release is None:
        first = Release.select().order_by(Release.number).first()
        raise AsOfError(
            f"Is before the first release (release 1, {utc(first.created_at).isoformat()})."
        )
    return release


@dataclass
class Missing:
    """What became of a slug that names no current record."""

    moved_to: str | None = None  # renamed: its slug now
    removed_in: Release | None = None  # deleted: the release that removed it


def what_became_of(kind: str, slug: str, up_to: int | None = None) -> Missing | None:
    """Removed (a tombstone), renamed (the new slug), or never known (None), as of release
    `up_to` (default: the latest)."""
    revisions = Revision.select().where(Revision.kind == kind)
    if up_to is not None:
        revisions = revisions.where(Revision.release <= up_to)
    last_here = revisions.where(Revision.slug == slug).order_by(Revision.id.desc()).first()
    renamed_away = (
        revisions.where(Revision.previous_slug == slug).order_by(Revision.id.desc()).first()
    )
    if renamed_away is not None and (last_here is None or renamed_away.id > last_here.id):
        # Followed to where the record is now (it may have been renamed again since).
        now = (
            revisions.where(Revision.record == renamed_away.record)
            .order_by(Revision.id.desc())
            .first()
        )
        return Missing(moved_to=now.slug)
    if last_here is not None and last_here.change == "deleted":
        return Missing(removed_in=Release.get(Release.number == last_here.release))
    return None


def record_of(kind: str, slug: str) -> Record | None:
    """The record with this slug: a current one first, else the last one removed."""
    return (
        Record.select()
        .where((Record.kind == kind) & (Record.slug == slug))
        .order_by(Record.deleted_release.is_null(False), Record.id.desc())
        .first()
    )


def field_changes(old: dict | None, new: dict | None) -> list[dict]:
    """The top-level fields that differ between two revisions' contents, old and new values."""
    if new is None:
        return []
    old = old or {}
    return [
        {"field": name, "old": old.get(name), "new": new.get(name)}
        for name in sorted(set(old) | set(new))
        if name != "slug" and old.get(name) != new.get(name)
    ]


def history(record: Record) -> list[dict]:
    """The record's revisions, newest first, each with what it changed."""
    revisions = list(
        Revision.select(Revision, Release.created_at.alias("released_at"))
        .join(Release, on=(Release.number == Revision.release))
        .where(Revision.record == record.id)
        .order_by(Revision.id)
        .objects()
    )
    entries, previous = [], None
    for revision in revisions:
        content = (
            stored_content(revision.kind, revision.content)
            if revision.content is not None
            else None
        )
        entries.append(
            {
                "revision": revision.number,
                "release": revision.release,
                "released_at": utc(revision.released_at),
                "change": revision.change,
                "slug": revision.slug,
                "previous_slug": revision.previous_slug,
                "fields": field_changes(previous, content),
            }
        )
        if content is not None:
            previous = content
    entries.reverse()
    return entries


def head_revision_id() -> int:
    """The id of the latest change (0 before the first release)."""
    return Revision.select(fn.MAX(Revision.id)).scalar() or 0
