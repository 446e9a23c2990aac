"""Conditional GETs for every resource: an ETag, If-None-Match -> 304, Cache-Control."""

from flask import Flask, Response, request

# The ETag the response cache derived for the answer (response_cache.representation_tag).
REPRESENTATION_TAG_ENVIRON = "timeline_api.response_cache.representation_tag"


def public_cache_control(max_age: int) -> str:
    """Cache-Control of a successful GET: any cache may keep it `max_age` seconds, then
    serve it as long again while it asks the API in the background whether it changed
    (RFC 5861); past that, a cache must ask before answering, so a URL that a new release
    removed is not answered from an old copy for ever."""
    return f"public, max-age={max_age}, stale-while-revalidate={max_age}"


def register_conditional_get(app: Flask) -> None:
    """Tag every successful GET with a strong ETag and answer 304 when it matches.

    API answers get the tag the response cache derived from their key and the data version
    (so a revalidation can be answered without rendering); others a hash of their body.
    """
    max_age = app.config["CACHE_MAX_AGE"]

    @app.after_request
    def _conditional(response: Response) -> Response:
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.direct_passthrough
        ):
            response.headers.setdefault("Cache-Control", public_cache_control(max_age))
            tag = request.environ.get(REPRESENTATION_TAG_ENVIRON)
            if tag is not None and "ETag" not in response.headers:
                response.set_etag(tag)
            else:
                response.add_etag()  # keeps an ETag already there (an answer replayed)
            response = response.make_conditional(request)
        return response
