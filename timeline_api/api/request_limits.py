"""Checks every request passes before it reaches a view, whatever the database."""

from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

# The API only reads; nothing it serves takes a body, so a large one is refused unread.
MAX_BODY_BYTES = 64 * 1024


def register_request_limits(app: Flask) -> None:
    """Refuse, with problem documents, bodies over the limit and input no database can hold."""

    @app.before_request
    def _reject_large_bodies() -> None:
        if (request.content_length or 0) > MAX_BODY_BYTES:
            raise RequestEntityTooLarge(
                f"The request body is larger than {MAX_BODY_BYTES} bytes; this API takes none."
            )

    @app.before_request
    def _reject_nul_characters() -> None:
        # PostgreSQL text cannot hold NUL, and no slug, date or word contains one.
        if "\x00" in request.path:
            raise BadRequest("The path contains a NUL character (%00).")
        for name, value in request.args.items(multi=True):
            if "\x00" in name or "\x00" in value:
                error = BadRequest(f"The query parameter {name!r} contains a NUL character.")
                error.data = {
                    "invalid_params": [
                        {"name": name, "in": "query", "reason": "Contains a NUL character."}
                    ]
                }
                raise error
