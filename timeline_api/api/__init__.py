"""The timeline's read-only REST API, version 1.

All resources live under `/api/v1`. Lists are paginated with opaque cursors: follow
`links.next` in the body or the `Link` header (`rel="next"`/`"prev"`), and read the
filtered total from `total`. Every GET answers with an `ETag`; send it back in
`If-None-Match` to get a `304 Not Modified`. Errors are RFC 9457 problem documents
(`application/problem+json`) naming each rejected parameter in `invalid_params`.
Browsers on any origin may read the API (CORS; origins are configurable).

The data changes only by releases: each seed load that changes something is a numbered,
immutable release (`/api/v1/releases`). Follow every change with `/api/v1/changes`
(a durable cursor in `since`) or `/api/v1/changes.atom`; read any record's revisions at
`/{kind}/{slug}/history`; read the timeline as a past release published it with `as_of`.
A removed record answers 410 Gone, a renamed one's old URL 308. Data answers carry
`Last-Modified` (the time of the release shown) and honour `If-Modified-Since`.

Serving path (for the code's readers; not part of the API guide above, which the OpenAPI
document shows). `GET /api/v1/events` from the route to the bytes, a file a line (under
timeline_api/): seven files, more than the five the code aims at, and those they call.

1. `api/response_cache.py`: the WSGI middleware around the app reads the data version,
   replays a stored answer to a repeated URL, else derives the ETag, calls Flask and keeps
   the bytes it sends; its before_request hook answers a revalidation 304 without
   rendering (caching.not_modified).
2. `api/events/resources.py`: `list_events`, once webargs has parsed the query string
   (QueryParser below, schemas from `api/events/schemas.py`): the format (JSON or an
   export), the release shown (`api/as_of.py`), `q` parsed once, the page, the summaries.
3. `api/events/filters.py`: the parameters as one peewee query (search in `search/`).
4. `api/pagination.py`: the total (kept per data version by `api/counts.py`), the keyset
   page, the links and the `Link` header.
5. `api/events/representation.py`: the summaries of the page as dicts, a fixed number of
   queries whatever the page size.
6. `api/events/schemas.py`: `EventPageSchema`, which flask-smorest dumps to JSON.
7. `api/caching.py`: Cache-Control, Last-Modified, the ETag, compression
   (`api/compression.py`), the 304; the CORS, security-header and logging hooks run
   around it (`app.py` registers them all, in order).
"""

from typing import ClassVar

import marshmallow as ma
from apispec import BasePlugin
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from timeline_api.api.caching import DATA_BLUEPRINTS
from timeline_api.api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema
from timeline_api.api.negotiation import require_json_acceptable

API_PREFIX = "/api/v1"
EXAMPLE_ETAG = '"5f2b1c0e9a7d4e3b8c6a1f0d2e4b6a8c9d0e1f2a"'
EXAMPLE_LAST_MODIFIED = "Tue, 01 Dec 2026 21:59:50 GMT"


class ConditionalGetPlugin(BasePlugin):
    """Documents what every GET does (ETag, If-None-Match, 304, Cache-Control) in one
    place, and what answers made from the data add (Last-Modified, If-Modified-Since)."""

    def operation_helper(self, path=None, operations=None, rule=None, **kwargs):
        get = (operations or {}).get("get")
        if get is None:
            return
        from_data = rule is not None and rule.endpoint.split(".", 1)[0] in DATA_BLUEPRINTS
        get.setdefault("parameters", []).append("IfNoneMatch")
        if from_data:
            get["parameters"].append("IfModifiedSince")
        responses = get.setdefault("responses", {})
        responses.setdefault(304, "NOT_MODIFIED")
        # Only when the deployment sets RATE_LIMIT (timeline_api/api/rate_limits.py).
        responses.setdefault(429, "TOO_MANY_REQUESTS")
        # gunicorn's limits (gunicorn_conf.py), answered as problems by gunicorn_errors.py.
        responses.setdefault(414, "REQUEST_URI_TOO_LONG")
        responses.setdefault(431, "REQUEST_HEADER_FIELDS_TOO_LARGE")
        ok = responses.get(200, responses.get("200"))
        if isinstance(ok, dict):
            headers = ok.setdefault("headers", {})
            headers.setdefault("ETag", "ETag")
            headers.setdefault("Cache-Control", "CacheControl")
            if from_data:
                headers.setdefault("Last-Modified", "LastModified")


class OperationIdPlugin(BasePlugin):
    """Names every operation after its view function (`list_events`, `get_event`), so
    generated clients read naturally; a view added later gets its name with no extra step."""

    def operation_helper(self, path=None, operations=None, rule=None, **kwargs):
        if rule is None:
            return
        view_name = rule.endpoint.rsplit(".", 1)[-1]
        several = len(operations or {}) > 1
        for method, operation in (operations or {}).items():
            operation.setdefault("operationId", f"{method}_{view_name}" if several else view_name)


def parameter_examples(self, field, **kwargs) -> dict:
    """Named `examples` on a parameter, from the field's `parameter_examples` metadata."""
    examples = field.metadata.get("parameter_examples")
    return {"examples": examples} if examples else {}


class ProblemResponsesPlugin(BasePlugin):
    """Error responses (those whose body is the problem schema) documented as
    application/problem+json: flask-smorest documents every response as its one
    DEFAULT_RESPONSE_CONTENT_TYPE."""

    def response_helper(self, response, **kwargs):
        content = response.get("content") or {}
        body = content.get("application/json")
        if body is not None and _is_problem_schema(body.get("schema")):
            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        return response


def _is_problem_schema(schema) -> bool:
    if isinstance(schema, dict):  # already resolved by the marshmallow plugin
        return schema.get("$ref", "").rsplit("/", 1)[-1] == "Problem"
    return schema is ProblemSchema or isinstance(schema, ProblemSchema)


class Api(SmorestApi):
    """flask-smorest's Api with problem+json errors, documented as such.

    Only public extension points (init_app, ERROR_SCHEMA, apispec plugins, Flask's error
    handler registry), so that flask-smorest can be upgraded.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app=None, **kwargs):
        kwargs.setdefault("spec_kwargs", {})["extra_plugins"] = [
            ConditionalGetPlugin(),
            OperationIdPlugin(),
            ProblemResponsesPlugin(),
        ]
        super().__init__(app, **kwargs)

    def init_app(self, app, **kwargs):
        from timeline_api.api.errors import register_error_handlers

        super().init_app(app, **kwargs)
        # Registered after flask-smorest's own HTTPException handler, which they replace.
        register_error_handlers(app)
        self.ma_plugin.converter.add_parameter_attribute_function(parameter_examples)
        # flask-smorest's page-number pagination metadata: our lists use cursors and Link.
        self.spec.components.schemas.pop("PaginationMetadata", None)
        self.spec.components.header(
            "CacheControl",
            {
                "description": "How long shared caches and browsers may reuse the answer.",
                "schema": {
                    "type": "string",
                    "example": "public, max-age=60, stale-while-revalidate=60",
                },
            },
        )
        self.spec.components.header(
            "ETag",
            {
                "description": "A strong validator of this representation; send it back "
                "in If-None-Match.",
                "schema": {"type": "string", "example": EXAMPLE_ETAG},
            },
        )
        self.spec.components.parameter(
            "IfNoneMatch",
            "header",
            {
                "name": "If-None-Match",
                "description": "An ETag from an earlier answer: if the representation is "
                "unchanged, the answer is 304 Not Modified with no body.",
                "schema": {"type": "string"},
                "example": EXAMPLE_ETAG,
            },
        )
        self.spec.components.header(
            "LastModified",
            {
                "description": "When the release this answer shows was published (the "
                "current one, or the one `as_of` names); send it back in If-Modified-Since.",
                "schema": {"type": "string", "example": EXAMPLE_LAST_MODIFIED},
            },
        )
        self.spec.components.parameter(
            "IfModifiedSince",
            "header",
            {
                "name": "If-Modified-Since",
                "description": "A Last-Modified from an earlier answer: if no release "
                "was published since, the answer is 304 Not Modified with no body. "
                "If-None-Match, when also sent, takes precedence (RFC 9110).",
                "schema": {"type": "string"},
                "example": EXAMPLE_LAST_MODIFIED,
            },
        )


class QueryParser(FlaskParser):
    """The one place query strings are read, with the same rules for every endpoint.

    - An empty parameter (`?year=`, as HTML forms send) counts as absent.
    - A parameter that takes one value, given twice (`limit=5&limit=6`), is a 422: taking
      either silently would answer a question the client did not ask.
    - An unknown parameter is a 422 (a view without parameters uses `NoQueryArgsSchema`).
    """

    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
    }

    def load_querystring(self, req, schema):
        by_name = {f.data_key or name: f for name, f in schema.fields.items()}
        present = MultiDict(
            (key, value)
            for key, value in req.args.items(multi=True)
            if value != "" or key not in by_name
        )
        repeated = {
            key: ["Given more than once; this parameter takes a single value."]
            for key in present
            if key in by_name
            and not isinstance(by_name[key], ma.fields.List)
            and len(present.getlist(key)) > 1
        }
        if repeated:
            raise ma.ValidationError(repeated)
        return self._makeproxy(present, schema)


class NoQueryArgsSchema(ma.Schema):
    """The query parameters of a view that takes none: any parameter is a 422."""

    class Meta:
        unknown = ma.RAISE


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint with the API's shared rules; every resource uses it:
    query strings read by QueryParser, and a 406 for a client that accepts no JSON from
    a JSON-only view (timeline_api/api/negotiation.py)."""

    ARGUMENTS_PARSER = QueryParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(require_json_acceptable)
