"""The OpenAPI document as linters and client generators read it."""

import json
import subprocess

from tests.support import REPO_ROOT, require
from timeline_api.openapi import build_openapi_document

SPECTRAL_DIR = REPO_ROOT / "tools" / "spectral"
SPECTRAL = SPECTRAL_DIR / "node_modules" / ".bin" / "spectral"


def test_document_lints_clean_with_spectral_oas(tmp_path):
    """Stoplight Spectral's standard ruleset finds nothing, not even a hint."""
    require(SPECTRAL.exists(), "Spectral not installed (`make install-dev` installs it with npm)")
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(build_openapi_document()), encoding="utf-8")
    result = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(SPECTRAL_DIR / ".spectral.yaml"),
            "--fail-severity=hint",
            "--format=text",
            str(document),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_operation_is_named_after_its_view():
    document = build_openapi_document()
    names = {
        (path, method): operation.get("operationId")
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    }
    assert names[("/api/v1/events", "get")] == "list_events"
    assert names[("/api/v1/events/{slug}", "get")] == "get_event"
    assert names[("/api/v1/events/facets", "get")] == "list_event_facets"
    assert names[("/readyz", "get")] == "check_readiness"
    assert None not in names.values()
    assert len(set(names.values())) == len(names), "operationIds must be unique"


def test_document_names_its_server_and_contact():
    document = build_openapi_document()
    assert document["servers"] and document["info"]["contact"]["name"]
