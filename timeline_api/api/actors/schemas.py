"""Schemas of the actors resource."""

from marshmallow import RAISE, Schema, fields, validate

from timeline_api.api.events.schemas import EventSummarySchema
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
    event_count = fields.Integer(
        metadata={"description": "How many events involve them.", "example": 2}
    )


class ActorListItemSchema(ActorSchema):
    class Meta:
        description = "An actor as the list shows it, with the slugs of its events."

    event_slugs = fields.List(
        fields.String(),
        metadata={
            "description": "Slugs of the events involving this actor, in date order.",
            "example": ["global-initiative-on-data-security-launch"],
        },
    )


class ActorDetailSchema(ActorSchema):
    class Meta:
        description = "An actor with the events that involve them."

    events = fields.List(
        fields.Nested(EventSummarySchema),
        metadata={
            "description": "Events involving this actor, in date order (each lists the roles)."
        },
    )


ActorPageSchema = page_schema(ActorListItemSchema, "A page of actors.")
