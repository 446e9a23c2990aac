"""Schema of the API index."""

from marshmallow import Schema, fields

from timeline_api.exports import EXPORT_FORMATS

BASE = "http://127.0.0.1:8000"
LINKS = {
    "self": ("This index.", "/api/v1"),
    "events": ("The event list (filters, search, paging).", "/api/v1/events"),
    "event": ("One event, by slug (a URI template).", "/api/v1/events/{slug}"),
    "event_facets": ("Counts by year, type, tag, actor, country.", "/api/v1/events/facets"),
    "event_export": (
        f"The filtered timeline as {', '.join(EXPORT_FORMATS)} (a URI template).",
        "/api/v1/events.{format}",
    ),
    "event_as": (
        "One event in an export format (a URI template).",
        "/api/v1/events/{slug}.{format}",
    ),
    "sources": ("The articles the timeline cites.", "/api/v1/sources"),
    "source": ("One source, by slug (a URI template).", "/api/v1/sources/{slug}"),
    "actors": ("People, bodies, states, companies, organisations.", "/api/v1/actors"),
    "actor": ("One actor, by slug (a URI template).", "/api/v1/actors/{slug}"),
    "tags": ("The tag vocabulary.", "/api/v1/tags"),
    "tag": ("One tag, by slug (a URI template).", "/api/v1/tags/{slug}"),
    "event_history": (
        "Every revision of one event (a URI template).",
        "/api/v1/events/{slug}/history",
    ),
    "source_history": ("Every revision of one source.", "/api/v1/sources/{slug}/history"),
    "actor_history": ("Every revision of one actor.", "/api/v1/actors/{slug}/history"),
    "tag_history": ("Every revision of one tag.", "/api/v1/tags/{slug}/history"),
    "releases": ("The releases of the data, newest first.", "/api/v1/releases"),
    "release": ("One release, by number (a URI template).", "/api/v1/releases/{number}"),
    "changes": ("Every change, oldest first, from a durable cursor.", "/api/v1/changes"),
    "changes_atom": ("The newest changes as an Atom feed.", "/api/v1/changes.atom"),
    "datapackage": (
        "The whole dataset as a Frictionless Data Package.",
        "/api/v1/datapackage.json",
    ),
    "datapackage_table": (
        "One table of the data package as CSV (a URI template).",
        "/api/v1/datapackage/{table}.csv",
    ),
    "datapackage_zip": ("The whole data package as one zip.", "/api/v1/datapackage.zip"),
    "dataset": ("A schema.org Dataset description (JSON-LD).", "/api/v1/dataset"),
    "openapi": ("This API's OpenAPI 3.1 document.", "/api/v1/openapi.json"),
    "docs": ("Swagger UI, to read and try the API.", "/api/v1/docs"),
    "health": ("Liveness probe.", "/healthz"),
    "readiness": ("Readiness probe, with the loaded data version.", "/readyz"),
}


class _LinksMeta:
    description = (
        "Absolute URLs of the API's resources; `{slug}` and `{format}` are RFC 6570 URI "
        "template variables."
    )


# One field per entry of LINKS, so the list of links is written once.
ApiLinksSchema = type(
    "ApiLinksSchema",
    (Schema,),
    {
        "Meta": _LinksMeta,
        **{
            name: fields.String(metadata={"description": description, "example": BASE + path})
            for name, (description, path) in LINKS.items()
        },
    },
)


class ApiIndexSchema(Schema):
    class Meta:
        description = "The API's name, version and resources."

    title = fields.String(
        metadata={"description": "The API's name.", "example": "Data-sovereignty timeline API"}
    )
    version = fields.String(metadata={"description": "The API's version.", "example": "1.0.0"})
    links = fields.Nested(ApiLinksSchema, metadata={"description": "Where each resource is."})
