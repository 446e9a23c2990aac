"""The application factory: one place that wires configuration, database and API."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import timeline_api.api as api_package
from timeline_api import database
from timeline_api.api import API_PREFIX, Api
from timeline_api.api.actors import actors_blueprint
from timeline_api.api.caching import register_conditional_get
from timeline_api.api.compression import init_compression
from timeline_api.api.cors import init_cors
from timeline_api.api.counts import init_counts
from timeline_api.api.dataset import dataset_blueprint
from timeline_api.api.docs import SWAGGER_UI_ASSETS_PATH, docs_assets_blueprint
from timeline_api.api.events import events_blueprint, exports_blueprint
from timeline_api.api.index import index_blueprint, register_trailing_slash_redirects
from timeline_api.api.rate_limits import init_rate_limits
from timeline_api.api.releases import changes_blueprint, releases_blueprint
from timeline_api.api.request_limits import register_request_limits
from timeline_api.api.response_cache import init_response_cache
from timeline_api.api.security_headers import register_security_headers
from timeline_api.api.sources import sources_blueprint
from timeline_api.api.tags import tags_blueprint
from timeline_api.config import Config
from timeline_api.data_version import DataVersionProbe
from timeline_api.demo import demo_blueprint
from timeline_api.health import health_blueprint
from timeline_api.observability import init_observability

# The API guide: the package docstring up to its notes for the code's readers.
API_DESCRIPTION = (api_package.__doc__ or "").split("\nServing path")[0].strip()


def create_app(config: Config | None = None) -> Flask:
    """Build the app for `config` (default: from the environment)."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config.from_object(config)
    app.config.update(
        API_TITLE="Data-sovereignty timeline API",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_ASSETS_PATH,
        # Swagger UI would otherwise send the document to an online validator.
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None, "tryItOutEnabled": False},
        API_SPEC_OPTIONS={
            "info": {
                "description": API_DESCRIPTION,
                "license": {"name": "MIT", "identifier": "MIT"},
                # Who answers for the data and the API; corrections go to them.
                "contact": {"name": "The timeline's curators"},
            },
            # Relative to this document (/api/v1/openapi.json): the origin serving it, so
            # Swagger UI and clients call the server they read the document from.
            "servers": [{"url": "../..", "description": "The server this document is on."}],
        },
    )
    app.json.sort_keys = False  # keep fields in the documented order
    recorder = init_observability(app)  # first, so its after_request hook runs last
    database.init_app(app)
    api = Api(app)
    for blueprint in (
        index_blueprint,
        events_blueprint,
        exports_blueprint,
        sources_blueprint,
        actors_blueprint,
        tags_blueprint,
        releases_blueprint,
        changes_blueprint,
        dataset_blueprint,
        health_blueprint,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_assets_blueprint)
    app.register_blueprint(demo_blueprint)
    init_cors(app, config.CORS_ORIGINS)
    init_compression(app)
    register_conditional_get(app)
    register_trailing_slash_redirects(app)
    register_request_limits(app)
    register_security_headers(app)
    limiter = init_rate_limits(app, config.RATE_LIMIT, config.RATE_LIMIT_STORAGE_URI)
    probe = DataVersionProbe(config.DATABASE_URL)
    init_counts(app, probe)
    # Last: its hooks see every check above, and its middleware wraps the whole app. With
    # rate limits on, every request must reach the limiter, so none is replayed before Flask.
    init_response_cache(
        app, probe, recorder, replay=limiter is None, max_entries=config.RESPONSE_CACHE_ENTRIES
    )
    if config.TRUSTED_PROXY_HOPS:
        # Client address (rate limits, logs) and scheme/host (Link URLs) from the proxies.
        hops = config.TRUSTED_PROXY_HOPS
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
