"""Conditional GETs for every resource: an ETag, Last-Modified, 304s, Cache-Control."""

import datetime as dt

from flask import Flask, Response, g, request

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


def register_conditional_get(app: Flask) -> None:
    """Tag every successful GET with a strong ETag of its body (and data answers with their
    release's Last-Modified); answer 304 to a matching If-None-Match or If-Modified-Since."""
    max_age = app.config["CACHE_MAX_AGE"]

    @app.after_request
    def _conditional(response: Response) -> Response:
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.direct_passthrough
        ):
            response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
            if request.blueprint in DATA_BLUEPRINTS and response.last_modified is None:
                response.last_modified = _release_time()
            response.add_etag()
            response = response.make_conditional(request)
        return response
