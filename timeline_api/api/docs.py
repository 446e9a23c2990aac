"""Swagger UI assets served by the app itself, so the docs page works offline."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, send_from_directory

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
DOCS_STATIC = Path(__file__).parent / "docs_static"
SWAGGER_UI_ASSETS_PATH = "/api/v1/docs/assets/"

docs_assets_blueprint = Blueprint("docs_assets", __name__)


@docs_assets_blueprint.route(SWAGGER_UI_ASSETS_PATH + "<path:filename>")
def swagger_ui_asset(filename: str):
    return send_from_directory(SWAGGER_UI_DIST, filename, max_age=86400)


@docs_assets_blueprint.route("/api/v1/docs/init.js")
def swagger_ui_init():
    return send_from_directory(DOCS_STATIC, "swagger-init.js", max_age=3600)


@docs_assets_blueprint.route("/favicon.ico")
def favicon():
    """Browsers ask for it on every page; answer with Swagger UI's icon instead of a 404."""
    return send_from_directory(
        SWAGGER_UI_DIST, "favicon-32x32.png", mimetype="image/png", max_age=86400
    )
