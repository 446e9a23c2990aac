"""The one error shape: RFC 9457 problem documents (application/problem+json)."""

import json
import logging
from collections.abc import Iterable

from flask import Response, request
from marshmallow import Schema, fields
from peewee import DatabaseError, InterfaceError, OperationalError, ProgrammingError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Unreachable or locked (OperationalError), a dropped connection (InterfaceError), or a file
# that is no database (plain DatabaseError). IntegrityError, DataError... stay 500s.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, DatabaseError)
logger = logging.getLogger(__name__)


class InvalidParamSchema(Schema):
    class Meta:
        description = "One request parameter that was rejected, and why."

    name = fields.String(metadata={"description": "The parameter's name.", "example": "limit"})
    location = fields.String(
        data_key="in",
        metadata={"description": "Where the parameter is: query or path.", "example": "query"},
    )
    reason = fields.String(
        metadata={
            "description": "Why it was rejected.",
            "example": "Must be greater than or equal to 1 and less than or equal to 100.",
        }
    )


class ProblemSchema(Schema):
    class Meta:
        description = (
            "An RFC 9457 problem document, served as application/problem+json for every "
            "4xx and 5xx answer."
        )

    type = fields.String(
        metadata={
            "description": "A URI reference identifying the problem type; about:blank means the "
            "HTTP status says it all.",
            "example": "about:blank",
        }
    )
    title = fields.String(
        metadata={"description": "The HTTP status phrase.", "example": "Unprocessable Content"}
    )
    status = fields.Integer(metadata={"description": "The HTTP status code.", "example": 422})
    detail = fields.String(
        metadata={
            "description": "What went wrong with this request, in plain words.",
            "example": "The query parameter 'limit' is invalid: Must be greater than or equal to 1 "
            "and less than or equal to 100.",
        }
    )
    instance = fields.String(
        metadata={
            "description": "The path of the request that failed.",
            "example": "/api/v1/events",
        }
    )
    invalid_params = fields.List(
        fields.Nested(InvalidParamSchema),
        metadata={
            "description": "The rejected parameters, when the problem is with the request's "
            "parameters."
        },
    )
    removed_in_release = fields.Integer(
        metadata={
            "description": "410 Gone only: the number of the release that removed the record.",
            "example": 3,
        }
    )
    release = fields.String(
        metadata={
            "description": "410 Gone only: that release's API URL.",
            "example": "/api/v1/releases/3",
        }
    )
    history = fields.String(
        metadata={
            "description": "410 Gone only: the removed record's history, every revision of it.",
            "example": "/api/v1/events/an-event/history",
        }
    )


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    invalid_params: Iterable[dict] = (),
    headers: dict | None = None,
    members: dict | None = None,
) -> Response:
    """Build a problem+json response; every error path of the app ends here."""
    body = {
        "type": "about:blank",
        "title": title or _status_phrase(status),
        "status": status,
        "detail": detail,
        "instance": request.path if request else None,
    }
    invalid_params = list(invalid_params)
    if invalid_params:
        body["invalid_params"] = invalid_params
    body.update(members or {})  # extension members of this problem type
    response = Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        mimetype=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )
    response.headers.setdefault("Cache-Control", "no-store")  # unless the error says so
    return response


def _status_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _webargs_params(messages: dict) -> list[dict]:
    """Flatten webargs' {location: {field: [messages]}} into invalid_params entries."""
    params = []
    for location, fields_messages in messages.items():
        if not isinstance(fields_messages, dict):
            params.append({"name": None, "in": location, "reason": str(fields_messages)})
            continue
        for name, reasons in fields_messages.items():
            if isinstance(reasons, dict):  # a list field: {index: [messages]}
                reasons = [reason for nested in reasons.values() for reason in nested]
            for reason in reasons if isinstance(reasons, list) else [reasons]:
                if reason == "Unknown field.":
                    reason = "Unknown parameter."
                params.append({"name": name, "in": location, "reason": str(reason)})
    return params


def _describe(params: list[dict]) -> str:
    parts = [f"'{param['name']}': {param['reason'].rstrip('.')}" for param in params]
    noun = "parameter" if len(params) == 1 else "parameters"
    return f"Invalid query {noun}: " + "; ".join(parts)


def handle_http_exception(error: HTTPException) -> Response:
    """Turn any HTTPException (webargs validation, abort(), routing) into a problem."""
    if isinstance(error, InternalServerError):
        return handle_unexpected_error(error.original_exception or error)
    if error.response is not None:  # made whole where it was raised (history.py's 308)
        return error.response
    data = getattr(error, "data", None) or {}
    headers = dict(error.get_headers())  # keeps Allow on 405, Retry-After on 503
    headers.pop("Content-Type", None)
    headers.update(data.get("headers") or {})
    invalid_params = list(data.get("invalid_params") or [])
    if "messages" in data:
        invalid_params += _webargs_params(data["messages"])
    detail = data.get("message") or (
        _describe(invalid_params) if invalid_params else error.description
    )
    if error.code == 429:  # flask-limiter's description is the limit itself, e.g. "3 per 1 minute"
        detail = f"Rate limit of {error.description} per client exceeded; retry after Retry-After."
    return problem_response(
        error.code or 500,
        detail,
        invalid_params=invalid_params,
        headers=headers,
        members=data.get("members"),
    )


NOT_SEEDED_DETAIL = "The database holds no data yet: run `timeline-api seed` to load it."


def is_missing_schema(error: Exception) -> bool:
    """A database with no tables yet (never migrated or seeded): SQLite says "no such
    table", PostgreSQL 'relation ... does not exist' (an UndefinedTable)."""
    text = str(error)
    return (isinstance(error, OperationalError) and "no such table" in text) or (
        isinstance(error, ProgrammingError) and "relation" in text and "does not exist" in text
    )


def handle_database_error(error: Exception) -> Response:
    """A database that cannot be reached, is locked, or is not a database at all: 503.
    One that is there but empty says what the operator must do."""
    if is_missing_schema(error):
        logger.warning("database not seeded: %s", error)
        return problem_response(503, NOT_SEEDED_DETAIL, headers={"Retry-After": "5"})
    if type(error) not in UNAVAILABLE_ERRORS:
        return handle_unexpected_error(error)  # a subclass such as ProgrammingError is our bug
    logger.warning("database unavailable: %s", error)
    return problem_response(
        ServiceUnavailable.code,
        "The database is unavailable; try again shortly.",
        headers={"Retry-After": "5"},
    )


def handle_unexpected_error(error: BaseException) -> Response:
    logger.exception("unhandled error", exc_info=error)
    return problem_response(500, "An unexpected error occurred; it has been logged.")


def register_error_handlers(app) -> None:
    """Route every failure to a problem document; nothing reaches the client as HTML."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DatabaseError, handle_database_error)
    app.register_error_handler(InterfaceError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected_error)
