"""Marshmallow schemas for the human-edited seed files (see seeds/README.md)."""

import datetime as dt

from iso3166 import countries_by_alpha2
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from timeline_api.vocabulary import (
    ACTOR_ROLES,
    ACTOR_TYPES,
    DATE_PRECISIONS,
    EVENT_TYPES,
    RELATION_TYPES,
)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Slug(fields.String):
    def __init__(self, **kwargs):
        super().__init__(
            validate=[
                validate.Length(max=80),
                validate.Regexp(
                    SLUG_PATTERN,
                    error="Must be lowercase ASCII letters, digits and single hyphens.",
                ),
            ],
            **kwargs,
        )


class NonBlankString(fields.String):
    """A string that must contain something other than white space."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.strip():
            raise ValidationError("Must not be empty.")
        return text


class CountryCode(fields.String):
    """An ISO 3166-1 alpha-2 code; YAML turns a bare NO into false, so say so."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Write country codes as quoted strings (YAML reads NO as false).")
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in countries_by_alpha2:
            raise ValidationError(f"{code!r} is not an ISO 3166-1 alpha-2 country code.")
        return code


class PartialDateText(fields.String):
    """A partial date; YAML may hand us a date or an int for unquoted values."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.datetime):
            raise ValidationError("Must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not a timestamp.")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:04d}"
        # The form is checked against the precision in dataset.check_references.
        return super()._deserialize(value, attr, data, **kwargs)


def previous_slugs_field() -> fields.List:
    """Slugs a record was published under before it was renamed: the old URLs redirect."""
    return fields.List(Slug(), load_default=list)


def _choice(vocabulary: dict) -> validate.OneOf:
    return validate.OneOf(sorted(vocabulary), error="Must be one of: {choices}.")


class SourceSeedSchema(Schema):
    slug = Slug(required=True)
    previous_slugs = previous_slugs_field()
    publisher = NonBlankString(required=True)
    publisher_note = fields.String(load_default=None, allow_none=True)
    headline = NonBlankString(required=True)
    dateline = fields.String(load_default=None, allow_none=True)
    published_as_given = fields.String(load_default=None, allow_none=True)
    published = PartialDateText(load_default=None, allow_none=True)
    published_precision = fields.String(
        load_default=None, allow_none=True, validate=_choice(DATE_PRECISIONS)
    )
    published_note = fields.String(load_default=None, allow_none=True)
    language = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="Must be a BCP 47 tag."
        ),
    )
    article_file = NonBlankString(required=True)
    url = fields.Url(load_default=None, allow_none=True)
    article_sha256 = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[0-9a-f]{64}$", error="Must be 64 lowercase hex digits."),
    )
    # The day the fingerprint and the quotes were checked against the article.
    article_checked = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error="Must be a YYYY-MM-DD date."),
    )

    @validates_schema
    def _fingerprint_with_its_date(self, data, **kwargs):
        if bool(data.get("article_sha256")) != bool(data.get("article_checked")):
            raise ValidationError(
                "article_sha256 and article_checked go together.", field_name="article_checked"
            )


class ActorSeedSchema(Schema):
    slug = Slug(required=True)
    previous_slugs = previous_slugs_field()
    name = NonBlankString(required=True)
    actor_type = fields.String(required=True, validate=_choice(ACTOR_TYPES))
    country = CountryCode(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True)


class TagSeedSchema(Schema):
    slug = Slug(required=True)
    previous_slugs = previous_slugs_field()
    name = NonBlankString(required=True)
    description = fields.String(load_default=None, allow_none=True)


class ActorRoleSeedSchema(Schema):
    actor = Slug(required=True)
    role = fields.String(required=True, validate=_choice(ACTOR_ROLES))


class CitationSeedSchema(Schema):
    source = Slug(required=True)
    quotes = fields.List(
        NonBlankString(),
        required=True,
        validate=validate.Length(min=1, error="A citation needs at least one quote."),
    )


class PointSeedSchema(Schema):
    summary = NonBlankString(required=True)
    source = Slug(required=True)
    quote = NonBlankString(required=True)


class RelationSeedSchema(Schema):
    type = fields.String(required=True, validate=_choice(RELATION_TYPES))
    target = Slug(required=True)
    note = fields.String(load_default=None, allow_none=True)


class CoordinatesSeedSchema(Schema):
    """A curator's coordinates (WGS 84 decimal degrees), for a place the gazetteer lacks or
    places elsewhere."""

    latitude = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


class EventSeedSchema(Schema):
    slug = Slug(required=True)
    previous_slugs = previous_slugs_field()
    title = NonBlankString(required=True)
    summary = NonBlankString(required=True)
    date = PartialDateText(required=True)
    date_precision = fields.String(required=True, validate=_choice(DATE_PRECISIONS))
    date_note = NonBlankString(required=True)
    event_type = fields.String(required=True, validate=_choice(EVENT_TYPES))
    place = fields.String(load_default=None, allow_none=True)
    country = CountryCode(load_default=None, allow_none=True)
    coordinates = fields.Nested(CoordinatesSeedSchema, load_default=None, allow_none=True)
    actors = fields.List(fields.Nested(ActorRoleSeedSchema), load_default=list)
    tags = fields.List(Slug(), load_default=list)
    citations = fields.List(
        fields.Nested(CitationSeedSchema),
        required=True,
        validate=validate.Length(min=1, error="An event needs at least one citation."),
    )
    points = fields.List(fields.Nested(PointSeedSchema), load_default=list)
    relations = fields.List(fields.Nested(RelationSeedSchema), load_default=list)
