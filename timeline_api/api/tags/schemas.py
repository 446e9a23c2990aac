"""Schemas of the tags resource."""

from marshmallow import RAISE, Schema, fields

from timeline_api.api.events.schemas import EventSummarySchema
from timeline_api.api.fields import name_search_field
from timeline_api.api.pagination import ListArgsSchema, page_schema


class TagQueryArgsSchema(ListArgsSchema):
    class Meta:
        unknown = RAISE
        description = "Query parameters of the tag list."

    q = name_search_field("name or slug", "surv", "Surveillance")


class TagSchema(Schema):
    class Meta:
        description = "A topic from the curated tag vocabulary."

    slug = fields.String(metadata={"description": "Stable identifier.", "example": "backdoors"})
    url = fields.String(
        metadata={
            "description": "This tag's API URL.",
            "example": "http://127.0.0.1:8000/api/v1/tags/backdoors",
        }
    )
    name = fields.String(metadata={"description": "Display name.", "example": "Backdoors"})
    description = fields.String(
        allow_none=True,
        metadata={
            "description": "What the tag covers.",
            "example": "Hidden access built into products or services.",
        },
    )
    event_count = fields.Integer(
        metadata={"description": "How many events carry the tag.", "example": 2}
    )


class TagListItemSchema(TagSchema):
    class Meta:
        description = "A tag as the list shows it, with the slugs of its events."

    event_slugs = fields.List(
        fields.String(),
        metadata={
            "description": "Slugs of the events with this tag, in date order.",
            "example": ["global-initiative-on-data-security-launch"],
        },
    )


class TagDetailSchema(TagSchema):
    class Meta:
        description = "A tag with its events."

    events = fields.List(
        fields.Nested(EventSummarySchema),
        metadata={"description": "The events with this tag, in date order."},
    )


TagPageSchema = page_schema(TagListItemSchema, "A page of tags.")
