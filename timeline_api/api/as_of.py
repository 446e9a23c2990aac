"""`as_of`: answering with the data exactly as a past release published it.

A view runs its usual code inside `showing(as_of)`; for a past release, that thread's
queries then read the release's snapshot (releases/snapshots.py), so every filter, sort,
facet and export means the same as today. `Last-Modified` is the time of the release shown.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g
from flask_smorest import abort
from marshmallow import fields, validate

from timeline_api.models import Release
from timeline_api.releases.lookup import AsOfError, latest_release, parse_as_of, release_as_of
from timeline_api.releases.snapshots import SnapshotNotReady, reading, snapshot_database

AS_OF_PATTERN = (
    r"^([0-9]{1,9}|[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([Zz]|[+ -][0-9]{2}:?[0-9]{2})?)?)?$"
)
AS_OF_DESCRIPTION = (
    "Answer with the data exactly as published in a past release: its number (`3`), or an "
    "ISO 8601 date-time (`2026-12-01T12:00:00Z`, UTC when no offset is given) or date (the "
    "end of that day, UTC; today means now) for the release that was current then. Before "
    "the first release or in the future is a 422. Cannot be combined with `q` (full-text "
    "search covers the current release only): that is a 422 too. The first request for a "
    "large past release may answer 503 with Retry-After while that release is prepared for "
    "reading."
)


def as_of_field() -> fields.String:
    return fields.String(
        validate=validate.Regexp(
            AS_OF_PATTERN, error="Must be a release number or an ISO 8601 date-time."
        ),
        metadata={
            "description": AS_OF_DESCRIPTION,
            "parameter_examples": {
                "current": {"summary": "The current release", "value": ""},
                "release": {"summary": "As published in release 1", "value": "1"},
            },
        },
    )


def _invalid(name: str, reason: str):
    # The detail is worded as for any other invalid parameter (api/errors.py).
    abort(422, invalid_params=[{"name": name, "in": "query", "reason": reason}])


@contextmanager
def showing(as_of: str | None, search: str | None = None) -> Iterator[Release | None]:
    """Run the body against the release `as_of` names (422 when it names none; the
    current data without it). The latest release is read once, here."""
    if not as_of:
        yield None
        return
    latest = latest_release()
    try:
        release = release_as_of(parse_as_of(as_of), latest)
    except AsOfError as error:
        _invalid("as_of", str(error))
    g.shown_release = release  # its time is the answer's Last-Modified (caching.py)
    if search:
        _invalid("q", "Full-text search is not available with as_of (current release only).")
    if release.number == latest.number:
        yield release
        return
    try:
        snapshot = snapshot_database(release)
    except SnapshotNotReady:
        abort(
            503,
            message=f"Release {release.number} is being prepared for reading (the first "
            "request for a past release builds it); try again shortly.",
            headers={"Retry-After": "10"},
        )
    with reading(snapshot):
        yield release
