"""GET /sources and GET /sources/{slug}."""

from flask import url_for

from timeline_api.api import Blueprint, NoQueryArgsSchema
from timeline_api.api.catalogue import catalogue_detail, catalogue_page, name_matches
from timeline_api.api.fields import slug_path_parameter
from timeline_api.api.history import REDIRECT_DOC, HistorySchema, history_response
from timeline_api.api.pagination import LINK_HEADER_DOC
from timeline_api.api.sources.schemas import (
    SourceDetailSchema,
    SourcePageSchema,
    SourceQueryArgsSchema,
)
from timeline_api.models import Citation, Source

sources_blueprint = Blueprint(
    "sources",
    __name__,
    url_prefix="/api/v1/sources",
    description="The news articles the timeline is sourced from.",
)


def _source_fields(source: Source) -> dict:
    return {
        "slug": source.slug,
        "url": url_for("sources.get_source", _external=True, slug=source.slug),
        "publisher": source.publisher,
        "publisher_note": source.publisher_note,
        "headline": source.headline,
        "dateline": source.dateline,
        "published_as_given": source.published_as_given,
        "published": source.published,
        "published_precision": source.published_precision,
        "published_note": source.published_note,
        "language": source.language,
        "article_sha256": source.article_sha256,
        "article_checked": source.article_checked,
    }


@sources_blueprint.route("")
@sources_blueprint.arguments(SourceQueryArgsSchema, location="query", as_kwargs=True)
@sources_blueprint.response(200, SourcePageSchema, headers={"Link": LINK_HEADER_DOC})
@sources_blueprint.alt_response(400, response="BAD_REQUEST")
def list_sources(limit: int, cursor: str | None = None, q: str | None = None):
    """List sources, by slug

    Each source gives how many events cite it (`event_count`) and the event list filtered
    to them (`events_url`). Find sources by publisher or
    headline with `q`.
    """
    query = name_matches(Source.select(), q, [Source.publisher, Source.headline, Source.slug])
    return catalogue_page(query, limit, cursor, Citation.source, _source_fields)


@sources_blueprint.route(
    "/<string:slug>",
    parameters=[slug_path_parameter("source", "voa-2020-09-china-data-security-initiative")],
)
@sources_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@sources_blueprint.response(200, SourceDetailSchema)
@sources_blueprint.alt_response(404, response="NOT_FOUND")
@sources_blueprint.alt_response(308, **REDIRECT_DOC)
@sources_blueprint.alt_response(410, response="GONE")
def get_source(slug: str):
    """Get one source with the first events that cite it

    `events` holds the summaries of the first 10 citing events, in date order;
    `event_count` says how many there are and `events_url` lists them all.
    """
    return catalogue_detail(Source, slug, Citation.source, _source_fields)


@sources_blueprint.route(
    "/<string:slug>/history",
    parameters=[slug_path_parameter("source", "voa-2020-09-china-data-security-initiative")],
)
@sources_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@sources_blueprint.response(200, HistorySchema)
@sources_blueprint.alt_response(308, **REDIRECT_DOC)
@sources_blueprint.alt_response(404, response="NOT_FOUND")
def get_source_history(slug: str):
    """Get every revision of a source, newest first

    Each revision names its release and time, and which fields it changed (old and new
    values). A removed source keeps its history; an old slug redirects to the new one's.
    """
    return history_response("source", slug)
