"""GET /releases, /releases/{number}, /changes and /changes.atom."""

import base64
import binascii
import datetime as dt
import json
from typing import NoReturn
from urllib.parse import urlencode

from flask import Response, request, url_for
from flask_smorest import abort
from marshmallow import RAISE

from timeline_api.api import Blueprint, NoQueryArgsSchema
from timeline_api.api.history import history_url, record_url, release_url
from timeline_api.api.pagination import LINK_HEADER_DOC, SortKey, link_header, page_body, paginate
from timeline_api.api.releases.schemas import (
    ChangeFeedArgsSchema,
    ChangeFeedSchema,
    ChangeQueryArgsSchema,
    ReleaseDetailSchema,
    ReleasePageSchema,
    ReleaseQueryArgsSchema,
)
from timeline_api.exports import ExportContext, changes_atom
from timeline_api.models import Release
from timeline_api.releases.feed import (
    changes_after,
    changes_of_release,
    first_change_of_release,
    latest_changes,
)
from timeline_api.releases.lookup import head_revision_id, latest_release
from timeline_api.releases.records import utc

RELEASE_CHANGES_LISTED = 1000
MAX_NUMBER = 2**31 - 1  # larger numbers name no release (and no database integer)
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
CURSOR_NAME = "changes"

releases_blueprint = Blueprint(
    "releases",
    __name__,
    url_prefix="/api/v1/releases",
    description="Every seed load that changed the data is a numbered, immutable release.",
)
changes_blueprint = Blueprint(
    "changes",
    __name__,
    url_prefix="/api/v1",
    description="Every change across releases, as a resumable feed (JSON and Atom).",
)

NEWEST_FIRST = SortKey("number", (Release.number,), (int,), descending=True)


def _release_fields(release: Release) -> dict:
    return {
        "number": release.number,
        "url": release_url(release.number),
        "created_at": utc(release.created_at),
        "data_version": release.data_version,
        "message": release.message,
        "event_count": release.event_count,
        "counts": json.loads(release.counts),
    }


def encode_cursor(revision_id: int) -> str:
    raw = json.dumps([CURSOR_NAME, revision_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> int:
    try:
        name, revision_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if (
            name != CURSOR_NAME
            or not isinstance(revision_id, int)
            or not 0 <= revision_id <= MAX_NUMBER
        ):
            raise ValueError(token)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        _reject_since("not a cursor issued by this feed; start again without it.")
    return revision_id


def _reject_since(reason: str) -> NoReturn:
    abort(
        400,
        message=f"Invalid cursor: {reason}",
        invalid_params=[{"name": "since", "in": "query", "reason": reason}],
    )


def _change_fields(change: dict) -> dict:
    return {
        "kind": change["kind"],
        "slug": change["slug"],
        "change": change["change"],
        "previous_slug": change["previous_slug"],
        "revision": change["revision"],
        "release": change["release"],
        "released_at": change["released_at"],
        "url": record_url(change["kind"], change["slug_now"]),
        "history": history_url(change["kind"], change["slug_now"]),
    }


@releases_blueprint.route("")
@releases_blueprint.arguments(
    ReleaseQueryArgsSchema, location="query", as_kwargs=True, unknown=RAISE
)
@releases_blueprint.response(200, ReleasePageSchema, headers={"Link": LINK_HEADER_DOC})
@releases_blueprint.alt_response(400, response="BAD_REQUEST")
def list_releases(limit: int, cursor: str | None = None):
    """List releases, newest first

    Each release is one seed load that changed something, with its time, message, data
    version and counts of records created, updated, deleted and renamed per kind.
    """
    page = paginate(
        Release.select(), NEWEST_FIRST, limit, cursor, key_of=lambda release: (release.number,)
    )
    items = [_release_fields(release) for release in page.items]
    return page_body(page, items), {"Link": link_header(page)}


@releases_blueprint.route(
    "/<int:number>",
    parameters=[
        {
            "in": "path",
            "name": "number",
            "description": "The release number (1 for the first).",
            "example": 1,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_NUMBER},
        }
    ],
)
@releases_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@releases_blueprint.response(200, ReleaseDetailSchema)
@releases_blueprint.alt_response(404, response="NOT_FOUND")
def get_release(number: int):
    """Get one release with the records it changed

    Lists its first 1000 changes; `links.changes` pages through all of them in the
    changes feed.
    """
    release = Release.get_or_none(Release.number == number) if number <= MAX_NUMBER else None
    if release is None:
        abort(404, message=f"No release {number}.")
    changes = changes_of_release(number, RELEASE_CHANGES_LISTED + 1)
    first = first_change_of_release(number) or 1
    latest = latest_release()
    return {
        **_release_fields(release),
        "changes": [_change_fields(change) for change in changes[:RELEASE_CHANGES_LISTED]],
        "changes_truncated": len(changes) > RELEASE_CHANGES_LISTED,
        "links": {
            "changes": url_for(
                "changes.list_changes", since=encode_cursor(first - 1), _external=True
            ),
            "previous": release_url(number - 1) if number > 1 else None,
            "next": release_url(number + 1) if latest and number < latest.number else None,
        },
    }


def _feed_url(since: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "since"]
    args.append(("since", encode_cursor(since)))
    return request.base_url + "?" + urlencode(args)


@changes_blueprint.route("/changes")
@changes_blueprint.arguments(ChangeQueryArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
@changes_blueprint.response(200, ChangeFeedSchema, headers={"Link": LINK_HEADER_DOC})
@changes_blueprint.alt_response(400, response="BAD_REQUEST")
def list_changes(kind: list[str], limit: int, since: str | None = None):
    """Follow every change, oldest first, from any point

    Each change names the record (kind, slug, its URL now), what happened to it
    (`created`, `updated`, `deleted`, `renamed` with the old slug), and the release. Store
    `next_cursor` and ask again later with `since=` for only what happened since: no gap
    and no duplicate, whatever releases come in between. The cursor never expires, and is
    given also when there is nothing new. `kind=` filters.
    """
    after = decode_cursor(since) if since else 0
    head = head_revision_id()  # read first: later changes wait for the next request
    if after > head:
        # Not issued by this feed (another database, or made up): answering "nothing new"
        # would make the client skip the changes up to it when they happen.
        _reject_since(
            f"ahead of the feed: it names change {after}, and the latest change is {head}; "
            "start again without it."
        )
    changes = changes_after(after, head, kind or None, limit + 1)
    more = len(changes) > limit
    changes = changes[:limit]
    # At the end of the feed the cursor marks the present (every change up to `head` was
    # seen, the other kinds' too), so the next request reads nothing twice.
    next_id = changes[-1]["id"] if more else head
    body = {
        "items": [_change_fields(change) for change in changes],
        "next_cursor": encode_cursor(next_id),
        "more": more,
        "links": {"self": request.url, "next": _feed_url(next_id)},
    }
    return body, {"Link": f'<{_feed_url(next_id)}>; rel="next"'}


@changes_blueprint.route("/changes.atom")
@changes_blueprint.arguments(ChangeFeedArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
@changes_blueprint.response(200, description="The newest changes as an Atom feed.")
@changes_blueprint.doc(
    responses={
        200: {
            "content": {
                "application/atom+xml": {
                    "schema": {"type": "string", "description": "An Atom feed (RFC 4287)."}
                }
            }
        }
    }
)
def changes_feed(kind: list[str], limit: int):
    """Follow changes in a feed reader (Atom)

    The newest changes, newest first: an entry per created, updated or renamed record
    (its id is the record's, as in `events.atom`), and an RFC 6721 `at:deleted-entry` for
    each removal (and for the old id of a renamed record).
    """
    changes = latest_changes(kind or None, limit)
    for change in changes:
        change["url"] = record_url(change["kind"], change["slug_now"])
    latest = latest_release()
    context = ExportContext(
        title="Data-sovereignty timeline: changes",
        base_url=request.host_url.rstrip("/"),
        self_url=request.url,
        updated=latest.created_at if latest else dt.datetime(1970, 1, 1),
        sources={},
    )
    response = Response(changes_atom.render(changes, context), content_type=ATOM_MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'inline; filename="changes.atom"'
    return response
