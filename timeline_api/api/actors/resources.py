"""GET /actors and GET /actors/{slug}."""

from flask import url_for
from flask_smorest import abort
from marshmallow import RAISE

from timeline_api.api import Blueprint
from timeline_api.api.actors.schemas import (
    ActorDetailSchema,
    ActorPageSchema,
    ActorQueryArgsSchema,
)
from timeline_api.api.events.representation import event_summaries, events_linked_by
from timeline_api.api.fields import slug_path_parameter
from timeline_api.api.pagination import (
    LINK_HEADER_DOC,
    SortKey,
    link_header,
    page_body,
    paginate,
)
from timeline_api.models import Actor, EventActor

actors_blueprint = Blueprint(
    "actors",
    __name__,
    url_prefix="/api/v1/actors",
    description="People, government bodies, states, companies and international organisations.",
)
ACTOR_SORT = SortKey("slug", (Actor.slug,), (str,))


def _actor_fields(actor: Actor, events: list) -> dict:
    return {
        "slug": actor.slug,
        "url": url_for("actors.get_actor", slug=actor.slug),
        "name": actor.name,
        "actor_type": actor.actor_type,
        "country": actor.country,
        "description": actor.description,
        "event_count": len(events),
    }


@actors_blueprint.route("")
@actors_blueprint.arguments(ActorQueryArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
@actors_blueprint.response(200, ActorPageSchema, headers={"Link": LINK_HEADER_DOC})
@actors_blueprint.alt_response(400, response="BAD_REQUEST")
def list_actors(limit: int, type: list[str], country: list[str], cursor: str | None = None):
    """List actors, by slug

    Filter by `type` and `country`; each actor lists the slugs of its events.
    """
    query = Actor.select()
    if type:
        query = query.where(Actor.actor_type.in_(type))
    if country:
        query = query.where(Actor.country.in_(country))
    page = paginate(query, ACTOR_SORT, limit, cursor, key_of=lambda a: (a.slug,))
    events = events_linked_by(EventActor.actor, [actor.id for actor in page.items])
    items = [
        {
            **_actor_fields(actor, events[actor.id]),
            "event_slugs": [event.slug for event in events[actor.id]],
        }
        for actor in page.items
    ]
    return page_body(page, items), {"Link": link_header(page)}


@actors_blueprint.route("/<string:slug>", parameters=[slug_path_parameter("actor", "wang-yi")])
@actors_blueprint.response(200, ActorDetailSchema)
@actors_blueprint.alt_response(404, response="NOT_FOUND")
def get_actor(slug: str):
    """Get one actor with the events that involve them

    Each event summary lists its actors with their roles, this actor among them.
    """
    actor = Actor.get_or_none(Actor.slug == slug)
    if actor is None:
        abort(404, message=f"No actor with slug {slug!r}.")
    events = events_linked_by(EventActor.actor, [actor.id])[actor.id]
    return {**_actor_fields(actor, events), "events": event_summaries(events)}
