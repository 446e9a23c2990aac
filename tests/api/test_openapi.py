"""The OpenAPI document: valid, complete, and identical to the committed copy."""

import json

import pytest
from openapi_spec_validator import validate

from tests.conftest import REPO_ROOT
from timeline_api.openapi import build_openapi_document, render_openapi_document

COMMITTED = REPO_ROOT / "openapi" / "openapi.json"


@pytest.fixture(scope="module")
def document() -> dict:
    return build_openapi_document()


def test_committed_document_matches_the_app(document):
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi_document(document), (
        "openapi/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_document_is_valid_openapi(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_served_document_is_the_generated_one(client, document):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == json.loads(render_openapi_document(document))


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation, item.get("parameters", [])


def test_every_operation_has_summary_and_description(document):
    for path, method, operation, _ in operations(document):
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)


def resolve(document, node):
    if "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        return document["components"][kind][name]
    return node


def test_every_parameter_has_description_and_example(document):
    for path, method, operation, shared in operations(document):
        for parameter in [resolve(document, p) for p in operation.get("parameters", []) + shared]:
            where = (method, path, parameter["name"])
            assert parameter.get("description"), where
            examples = parameter.get("examples") or parameter.get("schema", {}).get("example")
            assert "example" in parameter or examples is not None, where


def test_every_schema_and_property_is_described_with_an_example(document):
    for name, schema in document["components"]["schemas"].items():
        assert schema.get("description"), name
        for prop_name, prop in schema.get("properties", {}).items():
            assert prop.get("description"), (name, prop_name)
            nested = "$ref" in prop or "$ref" in prop.get("items", {})
            assert nested or "example" in prop, (name, prop_name)


def test_errors_are_documented_as_problem_documents(document):
    for name, response in document["components"]["responses"].items():
        if name in ("NOT_MODIFIED",):
            continue
        assert list(response["content"]) == ["application/problem+json"], name


def test_every_get_documents_conditional_requests(document):
    for path, method, operation, _ in operations(document):
        if method == "get":
            assert "304" in operation["responses"], path
            assert "ETag" in operation["responses"]["200"]["headers"], path


def test_no_list_parameter_declares_a_default_a_client_would_send(client):
    """A generated client sends a declared default on every call: `limit=20` would then
    turn every export asked through the list (`format=csv`) into a 422."""
    document = client.get("/api/v1/openapi.json").get_json()
    limit = next(
        p for p in document["paths"]["/api/v1/events"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert "default" not in limit["schema"]
    assert "20 when omitted" in limit["description"]
    assert client.get("/api/v1/events").get_json()["limit"] == 20
    assert client.get("/api/v1/events?format=csv").status_code == 200


def _example_url(client, path: str) -> str:
    """`path` with its parameters filled from the data: the first item of the list the
    path belongs to, release 1, the events table, the CSV export."""
    collection = path.removeprefix("/api/v1/").split("/")[0]
    url = path.replace("{number}", "1").replace("{table}", "events")
    url = url.replace("{extension}", "csv")
    if "{slug}" in url:
        slug = client.get(f"/api/v1/{collection}?limit=1").get_json()["items"][0]["slug"]
        url = url.replace("{slug}", slug)
    return url


def test_answers_documented_with_last_modified_carry_it_and_honour_if_modified_since(
    client, document
):
    documented = [
        path
        for path, method, operation, _ in operations(document)
        if method == "get" and "Last-Modified" in operation["responses"]["200"]["headers"]
    ]
    assert "/api/v1/events" in documented and "/api/v1/changes.atom" in documented
    for path in documented:
        url = _example_url(client, path)
        response = client.get(url)
        assert response.status_code == 200, url
        modified = response.headers.get("Last-Modified")
        assert modified, url
        again = client.get(url, headers={"If-Modified-Since": modified})
        assert again.status_code == 304, url
