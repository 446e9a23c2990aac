"""Conditional GETs for every resource: an ETag, If-None-Match -> 304, Cache-Control."""

from flask import Flask, Response, request


def register_conditional_get(app: Flask) -> None:
    """Tag every successful GET with a strong ETag of its body and answer 304 when it matches."""
    max_age = app.config["CACHE_MAX_AGE"]

    @app.after_request
    def _conditional(response: Response) -> Response:
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.direct_passthrough
        ):
            response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
            response.add_etag()
            response = response.make_conditional(request)
        return response
