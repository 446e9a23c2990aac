"""Per-client rate limiting (flask-limiter): off by default, on in the compose deployment.

Off for `make run`, so benchmarks and local front-end work are never throttled; a
deployment sets RATE_LIMIT (e.g. "120/minute") and, with several workers or replicas, a
storage they share (RATE_LIMIT_STORAGE_URI=redis://...), or each would count alone.
"""

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Probes and scrapes must never be throttled, or a busy API would look dead to its operator.
EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics")


def _exempt() -> bool:
    # CORS preflights are the browser's, not the client's, requests.
    return request.method == "OPTIONS" or request.path in EXEMPT_PATHS


def init_rate_limits(app: Flask, limit: str, storage_uri: str) -> Limiter | None:
    """Limit every client IP to `limit` (a limits string); None when `limit` is empty."""
    if not limit:
        return None
    return Limiter(
        get_remote_address,
        app=app,
        # One budget per client across every route (default_limits would count per route).
        application_limits=[limit],
        storage_uri=storage_uri,
        strategy="moving-window",
        headers_enabled=True,  # X-RateLimit-Limit/-Remaining/-Reset, and Retry-After on 429
        application_limits_exempt_when=_exempt,
        key_prefix="timeline-api",
    )
