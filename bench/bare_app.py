"""The framework's ceiling: a bare Flask app answering stored bytes under our gunicorn setup.

It answers each benchmark URL with the exact body our API gave for it, so the gap between
it and the real app is what the app's own work costs (queries, serialisation, hooks).
Started by servers.py as `gunicorn ... bench.bare_app:app` with BENCH_BARE_ROUTES naming a
JSON file {"/path?query": "/file/with/the/body"}.
"""

import json
import os
from pathlib import Path

from flask import Flask, Response, request

ROUTES_VARIABLE = "BENCH_BARE_ROUTES"


def create_bare_app(routes_file: Path) -> Flask:
    """A Flask app serving each URL of `routes_file` from memory, and 404 for anything else."""
    routes = json.loads(routes_file.read_text(encoding="utf-8"))
    bodies = {url: Path(path).read_bytes() for url, path in routes.items()}
    app = Flask(__name__)

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def stored(path: str) -> Response:
        query = request.query_string.decode("latin-1")
        body = bodies.get(request.path + ("?" + query if query else ""))
        if body is None:
            return Response(status=404)
        return Response(body, content_type="application/json")

    return app


app = create_bare_app(Path(os.environ[ROUTES_VARIABLE])) if ROUTES_VARIABLE in os.environ else None
