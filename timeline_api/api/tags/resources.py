"""GET /tags and GET /tags/{slug}."""

from flask import url_for

from timeline_api.api import Blueprint, NoQueryArgsSchema
from timeline_api.api.catalogue import catalogue_detail, catalogue_page, name_matches
from timeline_api.api.fields import slug_path_parameter
from timeline_api.api.history import REDIRECT_DOC, HistorySchema, history_response
from timeline_api.api.pagination import LINK_HEADER_DOC
from timeline_api.api.tags.schemas import TagDetailSchema, TagPageSchema, TagQueryArgsSchema
from timeline_api.models import EventTag, Tag

tags_blueprint = Blueprint(
    "tags",
    __name__,
    url_prefix="/api/v1/tags",
    description="The topics events are tagged with, and how many events each has.",
)


def _tag_fields(tag: Tag) -> dict:
    return {
        "slug": tag.slug,
        "url": url_for("tags.get_tag", _external=True, slug=tag.slug),
        "name": tag.name,
        "description": tag.description,
    }


@tags_blueprint.route("")
@tags_blueprint.arguments(TagQueryArgsSchema, location="query", as_kwargs=True)
@tags_blueprint.response(200, TagPageSchema, headers={"Link": LINK_HEADER_DOC})
@tags_blueprint.alt_response(400, response="BAD_REQUEST")
def list_tags(limit: int, cursor: str | None = None, q: str | None = None):
    """List tags with their event counts, by slug

    `event_count` equals the `total` of `events_url` (`GET /events?tag=<slug>`). Find tags
    by name with `q`.
    """
    query = name_matches(Tag.select(), q, [Tag.name, Tag.slug])
    return catalogue_page(query, limit, cursor, EventTag.tag, _tag_fields)


@tags_blueprint.route("/<string:slug>", parameters=[slug_path_parameter("tag", "surveillance")])
@tags_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@tags_blueprint.response(200, TagDetailSchema)
@tags_blueprint.alt_response(404, response="NOT_FOUND")
@tags_blueprint.alt_response(308, **REDIRECT_DOC)
@tags_blueprint.alt_response(410, response="GONE")
def get_tag(slug: str):
    """Get one tag with its first events

    `events` holds the summaries of the first 10 tagged events, in date order;
    `event_count` says how many there are and `events_url` lists them all.
    """
    return catalogue_detail(Tag, slug, EventTag.tag, _tag_fields)


@tags_blueprint.route(
    "/<string:slug>/history", parameters=[slug_path_parameter("tag", "surveillance")]
)
@tags_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@tags_blueprint.response(200, HistorySchema)
@tags_blueprint.alt_response(308, **REDIRECT_DOC)
@tags_blueprint.alt_response(404, response="NOT_FOUND")
def get_tag_history(slug: str):
    """Get every revision of a tag, newest first

    Each revision names its release and time, and which fields it changed (old and new
    values). A removed tag keeps its history; an old slug redirects to the new one's.
    """
    return history_response("tag", slug)
