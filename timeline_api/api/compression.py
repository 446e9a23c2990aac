"""Compressed answers (Brotli or gzip) for clients that accept them, made by flask-compress.

The app compresses its own answers, so `make run` and `timeline-api serve` without a proxy
send 20 nested events in about 4 KB instead of 25, and the compose proxy passes them
through (nginx never compresses a body that already has a Content-Encoding) and keeps the
compressed copy, so a cache hit costs it no compression.

A compressed answer is another representation (RFC 9110, 8.8.3): flask-compress gives it
the identity answer's strong ETag with the coding appended (`"…:gzip"`) and adds
`Vary: Accept-Encoding`; an answer sent as it is to a client that accepts a coding (too
small, or a type not compressed) gets `":identity"` appended instead, so that its tag
tells the response cache, before rendering, that it was not compressed. It runs as one step of the
conditional-GET hook (caching.py), between setting the ETag and deciding a 304, so that
order is fixed in code. The response cache keys its entries on Accept-Encoding, and its
304-before-rendering compares against the tags this client's answer may have
(`coded_etags`).
"""

from flask import Flask, Request, Response
from flask_compress import Compress

# Preferred first when a client accepts both equally (Brotli is smaller at a similar cost).
CODINGS = ("br", "gzip")
# A smaller body gains less than the header costs (the compose proxy's gzip_min_length).
MIN_SIZE = 512
COMPRESSED_TYPES = [
    "application/json",
    "application/ld+json",
    "application/geo+json",
    "application/atom+xml",
    "application/xml",
    "text/csv",
    "text/calendar",
    "text/plain",
    "text/html",
]

compress = Compress()


def init_compression(app: Flask) -> None:
    """Configure flask-compress without its own hook: caching.py calls compressed()."""
    app.config.update(
        COMPRESS_REGISTER=False,
        COMPRESS_ALGORITHM=list(CODINGS),
        COMPRESS_ALGORITHM_STREAMING=list(CODINGS),
        COMPRESS_MIN_SIZE=MIN_SIZE,
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=5,  # as fast as 4 on our pages, and about 10% smaller
    )
    compress.init_app(app)


def chosen_coding(request: Request) -> str | None:
    """The coding this client gets for a compressible answer, or None for identity.

    RFC 9110 (12.5.3): a coding listed with q=0 is refused even when `*` is accepted, `*`
    gives its weight to codings not listed, and identity is acceptable unless refused; the
    coding with the highest weight wins (Brotli first on a tie), identity only when it
    weighs more. (Werkzeug's best_match lets `*` override `gzip;q=0`, and flask-compress
    alone picks from the q=0 codings too.)"""
    weights = {value.lower(): quality for value, quality in request.accept_encodings}
    star = weights.get("*")
    best, best_weight = None, 0.0
    for coding in CODINGS:
        weight = weights.get(coding, star or 0.0)
        if weight > best_weight:
            best, best_weight = coding, weight
    identity = weights.get("identity", 1.0 if star is None else star)
    return None if best is None or identity > best_weight else best


def compressed(response: Response, request: Request) -> Response:
    """`response` compressed for this client when it accepts a coding and the body is worth
    it (a type above, at least MIN_SIZE bytes); its strong ETag gets the coding appended
    (`:identity` when it is sent as it is all the same), Vary gets Accept-Encoding."""
    coding = chosen_coding(request)
    if coding is None:
        response.vary.add("Accept-Encoding")
        return response
    # flask-compress reads the request's Accept-Encoding itself: it is shown the one
    # coding chosen above, so that both always agree.
    environ = request.environ
    header = environ.get("HTTP_ACCEPT_ENCODING")
    environ["HTTP_ACCEPT_ENCODING"] = coding
    try:
        response = compress.after_request(response)
    finally:
        environ["HTTP_ACCEPT_ENCODING"] = header
    tag, weak = response.get_etag()
    if tag and "Content-Encoding" not in response.headers:
        # Too small or not a compressed type: the tag says so, and the response cache's
        # early 304 can match it without rendering (it could not tell from the request).
        response.set_etag(f"{tag}:{IDENTITY}", weak)
    return response


IDENTITY = "identity"  # RFC 9110 (8.4.1): the name of "no coding"


def coded_etags(tag: str, request: Request) -> tuple[str, ...]:
    """The ETags an answer tagged `tag` may have for this client: the tag itself when it
    accepts no coding; else the tag with its coding appended, or with `:identity` when it
    was sent as it is (which only rendering tells)."""
    coding = chosen_coding(request)
    return (f"{tag}:{coding}", f"{tag}:{IDENTITY}") if coding else (tag,)
