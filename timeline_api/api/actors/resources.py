"""GET /actors and GET /actors/{slug}."""

from flask import url_for

from timeline_api.api import Blueprint, NoQueryArgsSchema
from timeline_api.api.actors.schemas import (
    ActorDetailSchema,
    ActorPageSchema,
    ActorQueryArgsSchema,
)
from timeline_api.api.catalogue import catalogue_detail, catalogue_page, name_matches
from timeline_api.api.fields import slug_path_parameter
from timeline_api.api.history import REDIRECT_DOC, HistorySchema, history_response
from timeline_api.api.pagination import LINK_HEADER_DOC
from timeline_api.models import Actor, EventActor

actors_blueprint = Blueprint(
    "actors",
    __name__,
    url_prefix="/api/v1/actors",
    description="People, government bodies, states, companies and international organisations.",
)


def _actor_fields(actor: Actor) -> dict:
    return {
        "slug": actor.slug,
        "url": url_for("actors.get_actor", _external=True, slug=actor.slug),
        "name": actor.name,
        "actor_type": actor.actor_type,
        "country": actor.country,
        "description": actor.description,
    }


@actors_blueprint.route("")
@actors_blueprint.arguments(ActorQueryArgsSchema, location="query", as_kwargs=True)
@actors_blueprint.response(200, ActorPageSchema, headers={"Link": LINK_HEADER_DOC})
@actors_blueprint.alt_response(400, response="BAD_REQUEST")
def list_actors(
    limit: int, type: list[str], country: list[str], cursor: str | None = None, q: str | None = None
):
    """List actors, by slug

    Filter by `type` and `country`, or find by name with `q`. Each actor gives how many
    events involve them (`event_count`) and the event list filtered to them (`events_url`).
    """
    query = name_matches(Actor.select(), q, [Actor.name, Actor.slug])
    if type:
        query = query.where(Actor.actor_type.in_(type))
    if country:
        query = query.where(Actor.country.in_(country))
    return catalogue_page(query, limit, cursor, EventActor.actor, _actor_fields)


@actors_blueprint.route("/<string:slug>", parameters=[slug_path_parameter("actor", "wang-yi")])
@actors_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@actors_blueprint.response(200, ActorDetailSchema)
@actors_blueprint.alt_response(404, response="NOT_FOUND")
@actors_blueprint.alt_response(308, **REDIRECT_DOC)
@actors_blueprint.alt_response(410, response="GONE")
def get_actor(slug: str):
    """Get one actor with the first events that involve them

    `events` holds the first 10 of them in date order (each lists its actors with their
    roles, this actor among them); `event_count` says how many there are and `events_url`
    lists them all.
    """
    return catalogue_detail(Actor, slug, EventActor.actor, _actor_fields)


@actors_blueprint.route(
    "/<string:slug>/history", parameters=[slug_path_parameter("actor", "wang-yi")]
)
@actors_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@actors_blueprint.response(200, HistorySchema)
@actors_blueprint.alt_response(308, **REDIRECT_DOC)
@actors_blueprint.alt_response(404, response="NOT_FOUND")
def get_actor_history(slug: str):
    """Get every revision of a actor, newest first

    Each revision names its release and time, and which fields it changed (old and new
    values). A removed actor keeps its history; an old slug redirects to the new one's.
    """
    return history_response("actor", slug)
