"""Schemas of the sources resource."""

from marshmallow import RAISE, Schema, fields

from timeline_api.api.catalogue import linked_events_schemas
from timeline_api.api.fields import name_search_field
from timeline_api.api.pagination import ListArgsSchema, page_schema

SOURCE_EXAMPLE = "voa-2020-09-china-data-security-initiative"


class SourceQueryArgsSchema(ListArgsSchema):
    class Meta:
        unknown = RAISE
        description = "Query parameters of the source list."

    q = name_search_field("publisher, headline or slug", "xinhua", "From Xinhua")


class SourceSchema(Schema):
    class Meta:
        description = "A news article that reports events."

    slug = fields.String(metadata={"description": "Stable identifier.", "example": SOURCE_EXAMPLE})
    url = fields.String(
        metadata={
            "description": "This source's API URL.",
            "example": f"http://127.0.0.1:8000/api/v1/sources/{SOURCE_EXAMPLE}",
        }
    )
    publisher = fields.String(
        metadata={"description": "The outlet as the article names it.", "example": "VOA News"}
    )
    publisher_note = fields.String(
        allow_none=True,
        metadata={
            "description": "How the publisher was identified, when the text leaves doubt.",
            "example": "Named in the byline block at the end of the article.",
        },
    )
    headline = fields.String(
        metadata={
            "description": "The headline as printed.",
            "example": "China Launches Data Security Initiative",
        }
    )
    dateline = fields.String(
        allow_none=True,
        metadata={"description": "The dateline as printed.", "example": "GENEVA, March 5 (Xinhua)"},
    )
    published_as_given = fields.String(
        allow_none=True,
        metadata={
            "description": "The publication date exactly as the article gives it (`published` "
            "is what it was read as).",
            "example": "March 1, 2024",
        },
    )
    published = fields.String(
        allow_none=True,
        metadata={
            "description": "The publication date as a partial ISO date, when known.",
            "example": "2024-03-01",
        },
    )
    published_precision = fields.String(
        allow_none=True, metadata={"description": "year, month or day.", "example": "day"}
    )
    published_note = fields.String(
        allow_none=True,
        metadata={
            "description": "How `published` was derived.",
            "example": "As printed in the byline.",
        },
    )
    language = fields.String(metadata={"description": "BCP 47 language tag.", "example": "en"})
    article_sha256 = fields.String(
        allow_none=True,
        metadata={
            "description": "SHA-256 (hex) of the article text the quotes were verified "
            "against: anyone holding the article can confirm it is the same text "
            "(`sha256sum`).",
            "example": "9d62764431f627d27b0a5252ed29300d96bf74f6624c3c37943bf611386dea04",
        },
    )
    article_checked = fields.String(
        allow_none=True,
        metadata={
            "description": "The day the quotes were checked against that text (YYYY-MM-DD).",
            "example": "2026-12-01",
        },
    )


SourceListItemSchema, SourceDetailSchema = linked_events_schemas(
    SourceSchema, "source", SOURCE_EXAMPLE, "citing this source"
)
SourcePageSchema = page_schema(SourceListItemSchema, "A page of sources.")
