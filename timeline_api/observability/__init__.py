"""Observability: request ids, JSON logs on stdout and Prometheus metrics, wired in one call.

Every request gets an id (the caller's X-Request-ID when sane, else a new one), kept in
`flask.g.request_id`, stamped on every log line and echoed in every answer; each request
then writes one access line and is counted in /metrics.
"""

import time

from flask import Flask, Response, g, request

from timeline_api.observability.logs import configure_logging, log_access, write_access_line
from timeline_api.observability.metrics import (
    METRICS_ENDPOINT,
    UNMATCHED,
    RequestMetrics,
    init_metrics,
)
from timeline_api.observability.request_ids import REQUEST_ID_HEADER, accept_or_generate

__all__ = ["REQUEST_ID_HEADER", "RequestRecorder", "accept_or_generate", "init_observability"]


class RequestRecorder:
    """Counts and logs requests answered before Flask (the response cache's replays) as
    the hooks below do for the others, so /metrics and the logs miss none."""

    def __init__(self, metrics: RequestMetrics):
        self.metrics = metrics

    def record_replayed(
        self, environ: dict, endpoint: str, status: str, request_id: str, started: float
    ) -> None:
        code = int(status[:3])
        method = environ["REQUEST_METHOD"]
        self.metrics.observe(endpoint, method, code, time.perf_counter() - started)
        write_access_line(
            method,
            # WSGI gives the path as Latin-1 characters of its UTF-8 bytes; log it as
            # Flask's request.path would be.
            environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace"),
            environ.get("QUERY_STRING", ""),
            code,
            started,
            environ.get("REMOTE_ADDR"),
            environ.get("HTTP_USER_AGENT") or None,
            request_id,
        )


def init_observability(app: Flask) -> RequestRecorder:
    """Configure logging, and register the request hooks and /metrics on `app`.

    Call it before any other after_request hook is registered: Flask runs those hooks in
    reverse order, so this one runs last and logs and counts the final status (a 304, say).
    """
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    metrics = init_metrics(app)

    @app.before_request
    def _start_request() -> None:
        g.request_id = accept_or_generate(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish_request(response: Response) -> Response:
        if "request_id" not in g:  # _start_request never ran (it runs first): still answer with one
            g.request_id = accept_or_generate(request.headers.get(REQUEST_ID_HEADER))
        response.headers[REQUEST_ID_HEADER] = g.request_id
        started = g.get("request_started", time.perf_counter())
        endpoint = request.url_rule.endpoint if request.url_rule else UNMATCHED
        if endpoint != METRICS_ENDPOINT:
            metrics.observe(
                endpoint, request.method, response.status_code, time.perf_counter() - started
            )
        log_access(response, started)
        return response

    return RequestRecorder(metrics)
