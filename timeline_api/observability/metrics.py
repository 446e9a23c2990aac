"""Prometheus metrics at GET /metrics: requests and latency by endpoint, method and status.

Labels use the Flask endpoint name, never the raw path, so their number stays bounded.
Under gunicorn each worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (set by
gunicorn_conf.py before the workers import prometheus_client) and a scrape sums them all,
whichever worker answers it; anywhere else one in-process registry is used.
"""

import os

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    multiprocess,
)
from prometheus_client.exposition import choose_encoder

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"  # the endpoint label of requests no route matched (404, 405)
# Any other method is the client's invention: one label value for them all.
KNOWN_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
EXTENSION_KEY = "timeline_api.metrics"
METRICS_ENDPOINT = "metrics.metrics"  # the scrapes themselves are not counted

metrics_blueprint = Blueprint("metrics", __name__)


def multiprocess_mode() -> bool:
    """Whether prometheus_client keeps its values in files shared by gunicorn's workers."""
    return bool(os.environ.get(MULTIPROCESS_DIR_VARIABLE))


class RequestMetrics:
    """One app's request metrics, in a registry of its own so that apps never share counts."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "timeline_http_requests",
            "HTTP requests answered, by Flask endpoint, method and status.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "timeline_http_request_duration_seconds",
            "Time to answer an HTTP request, by Flask endpoint and method.",
            ["endpoint", "method"],
            registry=self.registry,
        )
        if not multiprocess_mode():  # these read this process only: meaningless across workers
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        method = method if method in KNOWN_METHODS else "other"
        self.requests.labels(endpoint, method, str(status)).inc()
        self.duration.labels(endpoint, method).observe(seconds)

    def render(self, accept: str | None) -> tuple[bytes, str]:
        """The exposition (text, or OpenMetrics when asked for) and its content type."""
        registry = self.registry
        if multiprocess_mode():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        encoder, content_type = choose_encoder(accept)
        return encoder(registry), content_type


def init_metrics(app: Flask) -> RequestMetrics:
    """Give `app` its metrics and the /metrics route (a plain blueprint: not in the API docs)."""
    metrics = app.extensions[EXTENSION_KEY] = RequestMetrics()
    app.register_blueprint(metrics_blueprint)
    return metrics


@metrics_blueprint.get("/metrics")
def metrics() -> Response:
    """The Prometheus scrape target."""
    body, content_type = current_app.extensions[EXTENSION_KEY].render(request.headers.get("Accept"))
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    # api/caching.py leaves pass-through responses alone: a scrape never gets an ETag or a 304.
    response.direct_passthrough = True
    return response
