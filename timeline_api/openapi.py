"""The OpenAPI document, generated from the app exactly as it serves it."""

import json
import tempfile

from timeline_api.config import Config


def build_openapi_document() -> dict:
    """The document the app serves at /api/v1/openapi.json, built against a throwaway database."""
    from timeline_api.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Config(DATABASE_URL=f"sqlite:///{tmp}/openapi.sqlite3"))
        with app.app_context():
            return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def render_openapi_document(document: dict) -> str:
    """Stable text for the committed openapi/openapi.json (sorted keys, 2-space indent)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
