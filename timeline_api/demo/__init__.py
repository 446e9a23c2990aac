"""The demo page at `/`: a static page that uses the API from the browser."""

from pathlib import Path

from flask import Blueprint, send_from_directory

from timeline_api.country_outlines import OUTLINES_FILE

STATIC_DIR = Path(__file__).parent / "static"

demo_blueprint = Blueprint("demo", __name__)


@demo_blueprint.route("/")
def index():
    return send_from_directory(STATIC_DIR, "index.html", max_age=300)


@demo_blueprint.route("/demo/outlines.json")
def outlines():
    """The country outlines the seed loader places countries with: one copy, theirs."""
    return send_from_directory(OUTLINES_FILE.parent, OUTLINES_FILE.name, max_age=300)


@demo_blueprint.route("/demo/<path:filename>")
def asset(filename: str):
    return send_from_directory(STATIC_DIR, filename, max_age=300)
