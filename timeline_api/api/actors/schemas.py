"""Schemas of the actors resource."""

from marshmallow import RAISE, Schema, fields, validate

from timeline_api.api.catalogue import linked_events_schemas
from timeline_api.api.fields import UpperCaseCountry, filter_examples, name_search_field
from timeline_api.api.pagination import ListArgsSchema, page_schema
from timeline_api.vocabulary import ACTOR_TYPES


class ActorQueryArgsSchema(ListArgsSchema):
    class Meta:
        unknown = RAISE
        description = "Query parameters of the actor list."

    q = name_search_field("name or slug", "wang", "Wang Yi")

    type = fields.List(
        fields.String(validate=validate.OneOf(sorted(ACTOR_TYPES))),
        load_default=list,
        metadata={
            "description": "Only actors of this type (repeatable): "
            + ", ".join(sorted(ACTOR_TYPES))
            + ".",
            **filter_examples(["person"], "People"),
        },
    )
    country = fields.List(
        UpperCaseCountry(),
        load_default=list,
        metadata={
            "description": "Only actors of this ISO 3166-1 alpha-2 country (repeatable).",
            **filter_examples(["CN"], "Chinese actors"),
        },
    )


class ActorSchema(Schema):
    class Meta:
        description = "Someone who says or does things in the timeline."

    slug = fields.String(metadata={"description": "Stable identifier.", "example": "wang-yi"})
    url = fields.String(
        metadata={
            "description": "This actor's API URL.",
            "example": "http://127.0.0.1:8000/api/v1/actors/wang-yi",
        }
    )
    name = fields.String(
        metadata={"description": "The name as the articles give it.", "example": "Wang Yi"}
    )
    actor_type = fields.String(
        metadata={
            "description": "What kind of actor: " + ", ".join(ACTOR_TYPES) + ".",
            "example": "person",
        }
    )
    country = fields.String(
        allow_none=True,
        metadata={
            "description": "ISO 3166-1 alpha-2 country, or null (e.g. international "
            "organisations).",
            "example": "CN",
        },
    )
    description = fields.String(
        allow_none=True,
        metadata={
            "description": "Who they are, as the articles describe them.",
            "example": "Chinese State Councilor and Foreign Minister.",
        },
    )


ActorListItemSchema, ActorDetailSchema = linked_events_schemas(
    ActorSchema, "actor", "wang-yi", "involving this actor"
)
ActorPageSchema = page_schema(ActorListItemSchema, "A page of actors.")
