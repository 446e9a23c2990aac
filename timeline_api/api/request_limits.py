"""Checks every request passes before it reaches a view, whatever the database."""

from flask import Flask, request
from werkzeug.exceptions import BadRequest


def register_request_limits(app: Flask) -> None:
    """Refuse, with a 400 problem, input no database can hold."""

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
