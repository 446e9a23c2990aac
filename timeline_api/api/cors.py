"""CORS: browser apps on other origins may read the API (GET, HEAD, OPTIONS only)."""

from flask import Flask, Response
from flask_cors import CORS

from timeline_api.api import API_PREFIX


def init_cors(app: Flask, origins: list[str]) -> None:
    """Allow `origins` ("*" for any) to read the API and see its paging, cache and limit headers."""
    allow_any = "*" in origins
    CORS(
        app,
        resources={f"{API_PREFIX}/*": {}, "/healthz": {}, "/readyz": {}},
        origins="*" if allow_any else origins,
        send_wildcard=allow_any,
        methods=["GET", "HEAD", "OPTIONS"],
        expose_headers=[
            "Link",
            "ETag",
            "X-Request-ID",
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
        max_age=86400,
    )
    if not allow_any:
        # The answer depends on the Origin header whenever it is not "*"; flask-cors
        # only says so when several origins are configured, so caches could mix them up.
        @app.after_request
        def _vary_on_origin(response: Response) -> Response:
            response.vary.add("Origin")
            return response
