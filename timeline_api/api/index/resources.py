"""GET /api/v1: an index of the API's resources with links, as GitHub's API root has."""

from flask import current_app, url_for

from timeline_api.api import API_PREFIX, Blueprint, NoQueryArgsSchema
from timeline_api.api.index.schemas import ApiIndexSchema

index_blueprint = Blueprint(
    "index",
    __name__,
    url_prefix=API_PREFIX,
    description="Where to start: every resource of the API with its URL.",
)

SLUG = "__slug__"  # url_for() would percent-encode the braces of "{slug}"


def _link(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _template(endpoint: str) -> str:
    """An RFC 6570 URI template for a detail route (`.../events/{slug}`)."""
    return _link(endpoint, slug=SLUG).replace(SLUG, "{slug}")


@index_blueprint.route("")
@index_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@index_blueprint.response(200, ApiIndexSchema)
def get_api_index():
    """List the API's resources with their URLs

    Start here: each entry of `links` is an absolute URL to follow; those with `{slug}`
    are URI templates for one item. `/api/v1/` (with a slash) redirects here.
    """
    return {
        "title": current_app.config["API_TITLE"],
        "version": current_app.config["API_VERSION"],
        "links": {
            "self": _link("index.get_api_index"),
            "events": _link("events.list_events"),
            "event": _template("events.get_event"),
            "event_facets": _link("events.list_event_facets"),
            "event_export": _link("exports.export_events", extension="csv").replace(
                "events.csv", "events.{format}"
            ),
            "event_as": _template("events.get_event") + ".{format}",
            "sources": _link("sources.list_sources"),
            "source": _template("sources.get_source"),
            "actors": _link("actors.list_actors"),
            "actor": _template("actors.get_actor"),
            "tags": _link("tags.list_tags"),
            "tag": _template("tags.get_tag"),
            "event_history": _template("events.get_event_history"),
            "source_history": _template("sources.get_source_history"),
            "actor_history": _template("actors.get_actor_history"),
            "tag_history": _template("tags.get_tag_history"),
            "releases": _link("releases.list_releases"),
            "release": _link("releases.get_release", number=1).removesuffix("/1") + "/{number}",
            "changes": _link("changes.list_changes"),
            "changes_atom": _link("changes.changes_feed"),
            "datapackage": _link("dataset.get_datapackage"),
            "datapackage_table": _link("dataset.get_datapackage_table", table="events").replace(
                "/events.csv", "/{table}.csv"
            ),
            "datapackage_zip": _link("dataset.get_datapackage_zip"),
            "dataset": _link("dataset.get_dataset"),
            "openapi": _link("api-docs.openapi_json"),
            "docs": _link("api-docs.openapi_swagger_ui"),
            "health": _link("health.check_liveness"),
            "readiness": _link("health.check_readiness"),
        },
    }
