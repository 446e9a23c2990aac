"""Request ids: one per request, taken from X-Request-ID when sane, so logs and answers match."""

import re
import uuid

from flask import g, has_request_context

REQUEST_ID_HEADER = "X-Request-ID"
# Safe to echo in a header and to write into a log line unescaped; a proxy's id usually fits.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def accept_or_generate(incoming: str | None) -> str:
    """The caller's id when it is sane (a proxy may already have assigned one), else a new one."""
    if incoming and _SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    return g.get("request_id") if has_request_context() else None
