"""Compressed answers (Brotli or gzip) for clients that accept them, made by flask-compress.

The app compresses its own answers, so `make run` and `timeline-api serve` without a proxy
send 20 nested events in about 4 KB instead of 25, and the compose proxy passes them
through (nginx never compresses a body that already has a Content-Encoding) and keeps the
compressed copy, so a cache hit costs it no compression.

A compressed answer is another representation (RFC 9110, 8.8.3): flask-compress gives it
the identity answer's strong ETag with the coding appended (`"…:gzip"`), adds
`Vary: Accept-Encoding`, and decides If-None-Match on that tag. It runs as one step of the
conditional-GET hook (caching.py), between setting the ETag and deciding a 304, so that
order is fixed in code. The response cache keys its entries on Accept-Encoding, and its
304-before-rendering compares against the tag of the coding chosen here
(`coded_etag`).
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

    Werkzeug's reading of Accept-Encoding: flask-compress alone would pick a coding the
    client refused with `q=0` when it lists no other (`gzip;q=0`), so it runs only when
    this finds an acceptable one; for ordinary headers both choose alike."""
    return request.accept_encodings.best_match(CODINGS)


def compressed(response: Response, request: Request) -> Response:
    """`response` compressed for this client when it accepts a coding and the body is worth
    it (a type above, at least MIN_SIZE bytes); its strong ETag gets the coding appended,
    Vary gets Accept-Encoding, and If-None-Match is decided on the new tag."""
    if chosen_coding(request) is None:
        response.vary.add("Accept-Encoding")
        return response
    return compress.after_request(response)


def coded_etag(tag: str, request: Request) -> str:
    """The ETag a compressible answer tagged `tag` has for this client."""
    coding = chosen_coding(request)
    return f"{tag}:{coding}" if coding else tag
