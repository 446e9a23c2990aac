"""What every kind of record shares: its history, and what its old URLs answer.

A slug that names no current record is a 308 to its new slug when the record was renamed,
a 410 problem naming the release that removed it when it was removed, and a plain 404 only
when it never existed.
"""

from typing import NoReturn

from flask import current_app, request, url_for
from flask_smorest import abort
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from timeline_api.api.caching import permanent_redirect, public_cache_control
from timeline_api.models import Release
from timeline_api.releases.lookup import history, record_of, what_became_of
from timeline_api.releases.records import PLURALS, utc

HISTORY_DOC = {"description": "The record's revisions, newest first."}
REDIRECT_DOC = {
    "description": "The record was renamed: `Location` is the same URL with its slug now "
    "(format and query string kept). No body.",
    "headers": {
        "Location": {"description": "The renamed record's URL.", "schema": {"type": "string"}},
        "Cache-Control": "CacheControl",
    },
}


def record_url(kind: str, slug: str) -> str:
    return url_for(f"{PLURALS[kind]}.get_{kind}", slug=slug, _external=True)


def history_url(kind: str, slug: str) -> str:
    return url_for(f"{PLURALS[kind]}.get_{kind}_history", slug=slug, _external=True)


def release_url(number: int) -> str:
    return url_for("releases.get_release", number=number, _external=True)


class PermanentRedirect(HTTPException):
    """A 308 answered with the response it carries (errors.handle_http_exception): werkzeug's
    own RequestRedirect is a routing exception, which Flask answers with an HTML page."""

    code = 308


def _cache_control() -> str:
    """A removal holds until a later release restores the record, so caches keep a 410 as
    long as a 200 (and a rename's 308, caching.permanent_redirect)."""
    return public_cache_control(current_app.config["CACHE_MAX_AGE"])


def _redirect(slug: str) -> NoReturn:
    """308 to the URL asked for with `slug` in place of the old one: the same route, so an
    export keeps its format, and the same query string."""
    location = url_for(request.endpoint, **{**request.view_args, "slug": slug})
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    raise PermanentRedirect(response=permanent_redirect(location))


def answer_missing(kind: str, slug: str, shown: Release | None = None) -> NoReturn:
    """Abort with 308, 410 or 404 for a slug with no record in the release shown."""
    missing = what_became_of(kind, slug, shown.number if shown is not None else None)
    if missing is None:
        abort(404, message=f"No {kind} with slug {slug!r}.")
    if missing.moved_to is not None:
        _redirect(missing.moved_to)
    removed = missing.removed_in
    history_link = history_url(kind, slug)
    abort(
        410,
        message=f"The {kind} {slug!r} was removed in release {removed.number} "
        f"({utc(removed.created_at).isoformat()}); its history is at {history_link}.",
        members={
            "removed_in_release": removed.number,
            "release": release_url(removed.number),
            "history": history_link,
        },
        headers={
            "Link": f'<{history_link}>; rel="version-history"',
            "Cache-Control": _cache_control(),
        },
    )


def history_response(kind: str, slug: str) -> dict:
    """The history of the record with `slug` (current or removed); an old slug redirects."""
    record = record_of(kind, slug)
    if record is None:
        missing = what_became_of(kind, slug)
        if missing is not None and missing.moved_to is not None:
            _redirect(missing.moved_to)
        abort(404, message=f"No {kind} with slug {slug!r}, now or in any release.")
    current = record.deleted_release is None
    return {
        "kind": kind,
        "slug": record.slug,
        "url": record_url(kind, record.slug),
        "current": current,
        "revisions": [
            {**entry, "release_url": release_url(entry["release"])} for entry in history(record)
        ],
    }


class FieldChangeSchema(Schema):
    class Meta:
        description = "One field a revision changed, with its value before and after."

    field = fields.String(metadata={"description": "The field's name.", "example": "title"})
    old = fields.Raw(
        allow_none=True,
        metadata={"description": "Its value before (null when created).", "example": "Old title"},
    )
    new = fields.Raw(
        allow_none=True, metadata={"description": "Its value after.", "example": "New title"}
    )


class RevisionSchema(Schema):
    class Meta:
        description = "One revision of a record: what one release changed in it."

    revision = fields.Integer(metadata={"description": "1 for the first.", "example": 2})
    release = fields.Integer(metadata={"description": "The release number.", "example": 3})
    release_url = fields.String(
        metadata={
            "description": "The release's API URL.",
            "example": "http://127.0.0.1:8000/api/v1/releases/3",
        }
    )
    released_at = fields.DateTime(
        metadata={
            "description": "When the release was published (UTC).",
            "example": "2026-12-01T09:00:00+00:00",
        }
    )
    change = fields.String(
        metadata={
            "description": "`created`, `updated`, `deleted` or `renamed` (a rename may also "
            "change fields).",
            "example": "updated",
        }
    )
    slug = fields.String(metadata={"description": "The slug in this revision.", "example": "x"})
    previous_slug = fields.String(
        allow_none=True,
        metadata={"description": "Renamed: the slug before.", "example": None},
    )
    fields_ = fields.List(
        fields.Nested(FieldChangeSchema),
        data_key="fields",
        attribute="fields",
        metadata={"description": "The fields that changed (empty when deleted)."},
    )


class HistorySchema(Schema):
    class Meta:
        description = "Every revision of one record, newest first; kept forever."

    kind = fields.String(
        metadata={"description": "event, source, actor or tag.", "example": "event"}
    )
    slug = fields.String(
        metadata={"description": "Its slug now (or when removed).", "example": "x"}
    )
    url = fields.String(
        metadata={
            "description": "Its URL now (410 when removed).",
            "example": "http://127.0.0.1:8000/api/v1/events/x",
        }
    )
    current = fields.Boolean(
        metadata={"description": "false when the latest release removed it.", "example": True}
    )
    revisions = fields.List(fields.Nested(RevisionSchema), metadata=HISTORY_DOC)
