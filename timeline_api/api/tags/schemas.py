"""Schemas of the tags resource."""

from marshmallow import RAISE, Schema, fields

from timeline_api.api.catalogue import linked_events_schemas
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


TagListItemSchema, TagDetailSchema = linked_events_schemas(
    TagSchema, "tag", "backdoors", "with this tag"
)
TagPageSchema = page_schema(TagListItemSchema, "A page of tags.")
