"""gunicorn's own error answers (414, 431, 400 for malformed HTTP) as problem documents.

gunicorn rejects a request line or headers over its limits before the app sees them, and
answers with a small HTML page. Clients of this API expect every error as RFC 9457 JSON,
so `install()` (called from gunicorn_conf.py, before workers fork) replaces the function
gunicorn writes those pages with. Nothing else in gunicorn changes.
"""

import json

from gunicorn import util


def problem_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for gunicorn.util.write_error that writes application/problem+json."""
    body = json.dumps(
        {"type": "about:blank", "title": reason, "status": status_int, "detail": mesg or reason}
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        "Cache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    util.write_nonblock(sock, head + body)


def install() -> None:
    util.write_error = problem_error
