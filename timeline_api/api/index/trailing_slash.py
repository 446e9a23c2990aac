"""`/api/v1/`, `/api/v1/events/`, `/readyz/`: a trailing slash redirects to the one URL."""

from flask import Flask, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from timeline_api.api.caching import permanent_redirect


def register_trailing_slash_redirects(app: Flask) -> None:
    """A 308 to the same URL without its trailing slash(es), when that URL is a route.

    A 308 (not 301) keeps the method, and the query string is kept, so a client or a
    browser following it gets the answer it asked for, from one canonical URL.
    """

    @app.before_request
    def _strip_trailing_slash():
        path = request.path
        if (
            not isinstance(request.routing_exception, NotFound)
            or not path.endswith("/")
            or path == "/"
        ):
            return None
        target = path.rstrip("/")
        try:
            app.url_map.bind("", script_name=request.script_root or None).match(
                target, method=request.method
            )
        except (NotFound, MethodNotAllowed):
            return None
        except RequestRedirect:
            pass
        query = request.query_string.decode("latin-1")
        location = request.script_root + target + (f"?{query}" if query else "")
        return permanent_redirect(location)
