"""Conditional GETs for every resource: an ETag, Last-Modified, 304s, Cache-Control."""

import datetime as dt

from flask import Flask, Response, current_app, g, request

from timeline_api.api.compression import compressed
from timeline_api.api.negotiation import answers_vary_on_accept
from timeline_api.data_version import RELEASE_TIME_ENVIRON
from timeline_api.models import DatasetState
from timeline_api.releases.records import utc

# Answers made from the data: their Last-Modified is the time of the release they show.
DATA_BLUEPRINTS = frozenset(
    {"events", "exports", "sources", "actors", "tags", "releases", "changes", "dataset"}
)


def _release_time() -> dt.datetime | None:
    """When the release shown was published: the one `as_of` named, else the current one
    (read with the data version before the request, so it costs no query)."""
    shown = g.get("shown_release")
    if shown is not None:
        return utc(shown.created_at)
    loaded_at = request.environ.get(RELEASE_TIME_ENVIRON)
    if loaded_at is None:  # not probed (the response cache is not in front), or no data
        loaded_at = DatasetState.select(DatasetState.loaded_at).where(DatasetState.id == 1).scalar()
    if isinstance(loaded_at, str):  # as SQLite stores it
        loaded_at = dt.datetime.fromisoformat(loaded_at)
    return utc(loaded_at)


# The ETag the response cache derived for the answer (response_cache.representation_tag).
REPRESENTATION_TAG_ENVIRON = "timeline_api.response_cache.representation_tag"


def public_cache_control(max_age: int) -> str:
    """Cache-Control of a successful GET: any cache may keep it `max_age` seconds, then
    serve it as long again while it asks the API in the background whether it changed
    (RFC 5861); past that, a cache must ask before answering, so a URL that a new release
    removed is not answered from an old copy for ever."""
    return f"public, max-age={max_age}, stale-while-revalidate={max_age}"


def permanent_redirect(location: str) -> Response:
    """A 308 to `location` (a trailing slash's canonical URL, a renamed record's new one):
    no body, as clients follow Location and a body would be in some format other than the
    one asked for; cached as long as a 200, as it holds until a later release at most."""
    response = Response(status=308, headers={"Location": location})
    del response.headers["Content-Type"]
    response.headers["Cache-Control"] = public_cache_control(current_app.config["CACHE_MAX_AGE"])
    return response


def not_modified(tag: str, max_age: int) -> Response:
    """The 304 for an answer tagged `tag`, decided before rendering it (response_cache.py):
    with the ETag, Cache-Control and Vary the 200 would have (RFC 9110, 15.4.5).
    Last-Modified is left to werkzeug, which drops it from every 304, rendered or not."""
    response = Response(status=304)
    del response.headers["Content-Type"]  # no body, no type (and a data policy, not a page's)
    response.set_etag(tag)
    response.headers["Cache-Control"] = public_cache_control(max_age)
    if answers_vary_on_accept(request.endpoint):
        response.vary.add("Accept")
    response.vary.add("Accept-Encoding")
    return response


def register_conditional_get(app: Flask) -> None:
    """Tag every successful GET with a strong ETag, compress it for clients that accept
    it, and answer 304 when it matches (If-None-Match, or If-Modified-Since against
    Last-Modified).

    API answers get the tag the response cache derived from their key and the data version
    (so a revalidation can be answered without rendering); others a hash of their body. A
    compressed answer's tag has its coding appended (compression.py), so compression comes
    after tagging and before the 304 is decided. Data answers carry the Last-Modified of
    the release they show.
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
            if request.blueprint in DATA_BLUEPRINTS and response.last_modified is None:
                response.last_modified = _release_time()
            if "ETag" in response.headers:  # an answer replayed as the cache stored it
                return response.make_conditional(request)
            tag = request.environ.get(REPRESENTATION_TAG_ENVIRON)
            if tag is not None:
                response.set_etag(tag)
            else:
                response.add_etag()
            response = compressed(response, request)
            response = response.make_conditional(request)
        return response
