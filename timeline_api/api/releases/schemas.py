"""Schemas of releases and the changes feed."""

from marshmallow import RAISE, Schema, fields, validate

from timeline_api.api.pagination import ListArgsSchema, page_schema
from timeline_api.releases.records import CHANGES, KINDS

CURSOR_EXAMPLE = "WyJjaGFuZ2VzIiwxMl0"


def kind_filter() -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(KINDS)),
        load_default=list,
        metadata={
            "description": "Only changes to this kind of record (repeatable): "
            + ", ".join(KINDS)
            + ".",
            "parameter_examples": {
                "all": {"summary": "Every kind", "value": []},
                "events": {"summary": "Events only", "value": ["event"]},
            },
        },
    )


class ReleaseQueryArgsSchema(ListArgsSchema):
    class Meta:
        unknown = RAISE
        description = "Query parameters of the release list."


class ChangeQueryArgsSchema(Schema):
    class Meta:
        unknown = RAISE
        description = "Query parameters of the changes feed."

    since = fields.String(
        validate=[
            validate.Length(max=200),
            validate.Regexp(r"^[A-Za-z0-9_-]*$", error="Not a cursor issued by this API."),
        ],
        metadata={
            "description": "A `next_cursor` from an earlier page: only the changes after it. "
            "Omit it to start from the first release. Cursors stay valid forever; one this "
            "feed did not issue (malformed, or ahead of its latest change) is a 400.",
            "parameter_examples": {
                "start": {"summary": "From the first release", "value": ""},
                "cursor": {"summary": "A cursor as found in next_cursor", "value": CURSOR_EXAMPLE},
            },
        },
    )
    kind = kind_filter()
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "Most changes per page, 1 to 1000.", "example": 100},
    )


class ChangeFeedArgsSchema(Schema):
    class Meta:
        unknown = RAISE
        description = "Query parameters of the Atom changes feed."

    kind = kind_filter()
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "How many of the newest changes, 1 to 500.", "example": 50},
    )


class ChangeCountsSchema(Schema):
    class Meta:
        description = "How many records of one kind a release created, updated, deleted, renamed."

    created = fields.Integer(metadata={"description": "Records added.", "example": 1})
    updated = fields.Integer(
        metadata={"description": "Records whose content changed.", "example": 2}
    )
    deleted = fields.Integer(metadata={"description": "Records removed.", "example": 0})
    renamed = fields.Integer(
        metadata={"description": "Records given a new slug (`previous_slugs`).", "example": 0}
    )


class ReleaseSchema(Schema):
    class Meta:
        description = "One release: a seed load that changed the data. Immutable."

    number = fields.Integer(metadata={"description": "1, 2, 3...", "example": 2})
    url = fields.String(
        metadata={
            "description": "Its API URL.",
            "example": "http://127.0.0.1:8000/api/v1/releases/2",
        }
    )
    created_at = fields.DateTime(
        metadata={
            "description": "When it was published (UTC).",
            "example": "2026-12-01T09:00:00+00:00",
        }
    )
    data_version = fields.String(
        metadata={
            "description": "A digest of the data's content: equal for releases with equal data.",
            "example": "8ca81c5fbdd7396f9419946d3ee2408f297d541040fedf4c87b49000b0866018",
        }
    )
    message = fields.String(
        allow_none=True,
        metadata={"description": "What the curators said about it.", "example": "Fix a date"},
    )
    event_count = fields.Integer(metadata={"description": "Events in it.", "example": 8})
    counts = fields.Dict(
        keys=fields.String(validate=validate.OneOf(KINDS)),
        values=fields.Nested(ChangeCountsSchema),
        metadata={
            "description": "Changes by kind of record: " + ", ".join(CHANGES) + ".",
            "example": {
                "event": {"created": 1, "updated": 2, "deleted": 0, "renamed": 0},
            },
        },
    )


class ChangeSchema(Schema):
    class Meta:
        description = "One change to one record, in one release."

    kind = fields.String(metadata={"description": ", ".join(KINDS) + ".", "example": "event"})
    slug = fields.String(metadata={"description": "Its slug in that release.", "example": "x"})
    change = fields.String(metadata={"description": ", ".join(CHANGES) + ".", "example": "updated"})
    previous_slug = fields.String(
        allow_none=True, metadata={"description": "Renamed: the old slug.", "example": None}
    )
    revision = fields.Integer(metadata={"description": "The record's revision.", "example": 2})
    release = fields.Integer(metadata={"description": "The release number.", "example": 2})
    released_at = fields.DateTime(
        metadata={"description": "Its time (UTC).", "example": "2026-12-01T09:00:00+00:00"}
    )
    url = fields.String(
        metadata={
            "description": "The record's URL now (after any later rename; 410 once removed).",
            "example": "http://127.0.0.1:8000/api/v1/events/x",
        }
    )
    history = fields.String(
        metadata={
            "description": "The record's history.",
            "example": "http://127.0.0.1:8000/api/v1/events/x/history",
        }
    )


class ReleaseLinksSchema(Schema):
    class Meta:
        description = "Where to go from a release."

    changes = fields.String(
        metadata={
            "description": "The changes feed from the start of this release (all of its "
            "changes, page by page).",
            "example": "http://127.0.0.1:8000/api/v1/changes?since=WyJjaGFuZ2VzIiwxMl0",
        }
    )
    previous = fields.String(
        allow_none=True,
        metadata={
            "description": "The release before (null for 1).",
            "example": "http://127.0.0.1:8000/api/v1/releases/1",
        },
    )
    next = fields.String(
        allow_none=True, metadata={"description": "The release after, if any.", "example": None}
    )


class ReleaseDetailSchema(ReleaseSchema):
    class Meta:
        description = "A release with the records it changed."

    changes = fields.List(
        fields.Nested(ChangeSchema),
        metadata={"description": "Its changes, first ones first (at most 1000; see links)."},
    )
    changes_truncated = fields.Boolean(
        metadata={
            "description": "true when it has more changes than listed here.",
            "example": False,
        }
    )
    links = fields.Nested(ReleaseLinksSchema, metadata={"description": "Related URLs."})


ReleasePageSchema = page_schema(ReleaseSchema, "A page of releases, newest first.")


class ChangeFeedLinksSchema(Schema):
    class Meta:
        description = "This page and the next one."

    self = fields.String(
        metadata={"description": "This page.", "example": "http://127.0.0.1:8000/api/v1/changes"}
    )
    next = fields.String(
        metadata={
            "description": "Ask this later for what happened since (never null).",
            "example": "http://127.0.0.1:8000/api/v1/changes?since=WyJjaGFuZ2VzIiwxMl0",
        }
    )


class ChangeFeedSchema(Schema):
    class Meta:
        description = "A page of the changes feed, oldest first."

    items = fields.List(
        fields.Nested(ChangeSchema), metadata={"description": "The changes, oldest first."}
    )
    next_cursor = fields.String(
        metadata={
            "description": "Pass as `since` for the changes after this page. Never null: at "
            "the end of the feed it marks the present, to ask again later.",
            "example": CURSOR_EXAMPLE,
        }
    )
    more = fields.Boolean(
        metadata={"description": "true when more changes are waiting now.", "example": False}
    )
    links = fields.Nested(ChangeFeedLinksSchema, metadata={"description": "Ready-made URLs."})
