"""Liveness and readiness probes for load balancers and orchestrators."""

import datetime as dt

from flask import Response, jsonify
from marshmallow import Schema, fields
from peewee import DatabaseError, InterfaceError

from timeline_api.api import Blueprint, NoQueryArgsSchema
from timeline_api.api.errors import NOT_SEEDED_DETAIL, is_missing_schema, problem_response
from timeline_api.models import DatasetState, database

health_blueprint = Blueprint(
    "health", __name__, description="Probes for operators: is the process alive, is it ready?"
)


class HealthSchema(Schema):
    class Meta:
        description = "The process is up."

    status = fields.String(metadata={"description": "Always `ok`.", "example": "ok"})


class ReadinessSchema(Schema):
    class Meta:
        description = "The database is reachable and holds a loaded dataset."

    status = fields.String(metadata={"description": "Always `ready`.", "example": "ready"})
    events = fields.Integer(
        metadata={"description": "Events in the loaded dataset.", "example": 14}
    )
    data_version = fields.String(
        metadata={
            "description": "Changes with every release: what the caches key on.",
            "example": "3f1c2a9b8e7d",
        }
    )
    loaded_at = fields.DateTime(
        metadata={
            "description": "When the data last changed (UTC): the time of the current release.",
            "example": "2026-11-23T06:30:00",
        }
    )
    release = fields.Integer(
        allow_none=True,
        metadata={"description": "The number of the current release.", "example": 3},
    )


def _uncached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@health_blueprint.route("/healthz")
@health_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@health_blueprint.response(200, HealthSchema)
def check_liveness():
    """Liveness: the process answers

    Does not touch the database, so a slow database never gets a live worker killed.
    """
    return _uncached(jsonify({"status": "ok"}))


@health_blueprint.route("/readyz")
@health_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@health_blueprint.response(200, ReadinessSchema)
@health_blueprint.alt_response(503, response="SERVICE_UNAVAILABLE")
def check_readiness():
    """Readiness: the database is reachable and seeded

    Answers 503 (a problem document) while the database cannot be reached or no seeds
    have been loaded, so traffic is only routed to an instance that can serve data.
    """
    try:
        state = DatasetState.get_or_none(DatasetState.id == 1)
    except (DatabaseError, InterfaceError) as error:
        if is_missing_schema(error):
            state = None
        else:
            return problem_response(
                503, f"The database is unreachable: {error}.", headers={"Retry-After": "5"}
            )
    finally:
        if not database.is_closed():
            database.close()
    if state is None:
        return problem_response(503, NOT_SEEDED_DETAIL, headers={"Retry-After": "5"})
    return _uncached(
        jsonify(
            {
                "status": "ready",
                "events": state.event_count,
                "data_version": state.version,
                "loaded_at": state.loaded_at.replace(tzinfo=dt.UTC).isoformat(),
                "release": state.release,
            }
        )
    )
