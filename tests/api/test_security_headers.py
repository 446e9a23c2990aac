"""Security headers on every response, with a policy the pages satisfy with local assets."""

import pytest


@pytest.mark.parametrize(
    "path", ["/api/v1/events", "/api/v1/events/nope", "/healthz", "/api/v1/events.csv"]
)
def test_data_responses_may_not_run_anything(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )


@pytest.mark.parametrize("path", ["/", "/api/v1/docs"])
def test_pages_allow_only_their_own_origin(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.get_data(as_text=True)  # no inline script to allow


def test_cors_preflight_allows_only_the_methods_served(client):
    response = client.options(
        "/api/v1/events",
        headers={"Origin": "https://a.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert "DELETE" not in response.headers.get("Access-Control-Allow-Methods", "")
