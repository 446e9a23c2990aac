"""Logs for machines: one JSON object per line on stdout, carrying the request id."""

import json
import logging
import sys
import time
from datetime import UTC, datetime

from flask import Response, request

from timeline_api.observability.request_ids import current_request_id

access_logger = logging.getLogger("timeline_api.access")

# What every LogRecord has; any other attribute came from `extra=` and belongs in the line.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    "request_id",
}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class JsonFormatter(logging.Formatter):
    """timestamp (UTC), level, logger, message, pid, request_id, `extra=` fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, UTC)
        line = {
            "timestamp": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which gunicorn worker
        }
        if getattr(record, "request_id", None):
            line["request_id"] = record.request_id
        line.update((k, v) for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)  # ASCII-only: safe whatever the locale of stdout


class _RequestIdFilter(logging.Filter):
    """Stamps each record with the current request's id (on the handler, so that records
    propagated from every logger get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if request_id:
            record.request_id = request_id
        return True


class _StdoutHandler(logging.StreamHandler):
    """Writes to sys.stdout as it is at each record, as logging.lastResort does for stderr,
    so a test that swaps sys.stdout (pytest's capsys) never hits a closed stream."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stdout


def configure_logging(level: str, log_format: str) -> None:
    """Send every logger's records to stdout, as JSON lines or text; safe to call again."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StdoutHandler)]:
        root.removeHandler(handler)
    handler = _StdoutHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"}))
    handler.addFilter(_RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)


def log_access(response: Response, started: float) -> None:
    """The one access line of a request (gunicorn's own access log is off)."""
    write_access_line(
        request.method,
        request.path,
        request.query_string.decode("latin-1"),
        response.status_code,
        started,
        request.remote_addr,
        request.user_agent.string or None,
    )


def write_access_line(
    method: str,
    path: str,
    query: str,
    status: int,
    started: float,
    remote_addr: str | None,
    user_agent: str | None,
    request_id: str | None = None,
) -> None:
    """The access line from plain values, for requests answered outside a Flask request
    (the response cache's replays), which pass their `request_id` themselves."""
    if not access_logger.isEnabledFor(logging.INFO):
        return  # LOG_LEVEL=WARNING and above: not even the fields are gathered
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    fields = {
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": duration_ms,
        "remote_addr": remote_addr,
        "user_agent": user_agent,
    }
    if query:
        fields["query"] = query
    if request_id is not None:
        fields["request_id"] = request_id
    access_logger.info("%s %s %s %.1f ms", method, path, status, duration_ms, extra=fields)
