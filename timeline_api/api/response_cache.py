"""A bounded per-worker cache of finished API answers, keyed on the data version.

The data changes only when seeds are loaded, and every load writes a new version into
DatasetState in the same transaction. Each cacheable request reads that version
(data_version.DataVersionProbe) and looks up (version, URL, Accept, Origin): a new version
makes every old entry unreachable, so nobody is served stale data. Entries are bounded in
number and bytes, so memory does not grow with the data.

The cache sits in front of Flask as WSGI middleware and stores answers as they leave the
app, with every header the app's hooks added (CORS, ETag, Cache-Control, security
headers) except the per-request ones. A plain GET that hits is replayed from there without
entering Flask at all: only a request id, a metrics sample and the access line are made
for it. Requests whose answer depends on more than the key still go through Flask and its
hooks, and are answered from the same entries there: conditional requests (a 304 is
decided by the app's conditional-GET hook) and, when rate limits are on, every request
(each one must be counted against its client).

The ETag of a stored answer is known before it is rendered: a hash of its key and of the
code that renders it (representation_tag). So a revalidation (If-None-Match, as a caching
proxy in front sends when its copy expires) is answered 304 by any worker of any replica
running the same image, whether or not it ever rendered that answer: a revalidation costs
one read of the data version, never a rendering.
"""

import functools
import hashlib
import importlib.metadata
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, Response, request

from timeline_api.api.bounded_cache import BoundedCache
from timeline_api.api.caching import REPRESENTATION_TAG_ENVIRON, not_modified
from timeline_api.api.compression import coded_etags
from timeline_api.data_version import (
    DATA_VERSION_ENVIRON,
    RELEASE_TIME_ENVIRON,
    DataVersionProbe,
)
from timeline_api.fingerprints import PACKAGE_DIR, source_digest
from timeline_api.observability import REQUEST_ID_HEADER, RequestRecorder, accept_or_generate

MAX_ENTRIES = 2048
MAX_BYTES = 16 * 1024 * 1024
MAX_ENTRY_BYTES = 512 * 1024  # big exports are rendered each time rather than crowd others out
CACHEABLE_PREFIX = "/api/v1/"
NOT_CACHED = ("/api/v1/docs",)
# Made anew for each request, so never stored with an answer.
PER_REQUEST = frozenset(
    {
        REQUEST_ID_HEADER.lower(),
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
    }
)
# Request headers that make the app's answer depend on more than the key (a 304, a range).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
# Where the middleware and the app's hooks tell each other about the request in hand.
KEY_ENVIRON = "timeline_api.response_cache.key"
STORABLE_ENVIRON = "timeline_api.response_cache.storable_endpoint"

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A finished 200 answer to a GET: status line, headers without the per-request ones."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    endpoint: str  # the Flask endpoint, for the metrics of a replayed request


class ResponseCache(BoundedCache[CachedResponse]):
    """Answers by key, at most MAX_ENTRIES of them and MAX_BYTES of bodies; a body over
    MAX_ENTRY_BYTES (a large export) is rendered each time rather than crowd others out."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        super().__init__(max_entries, max_bytes, size_of=lambda entry: len(entry.body))

    def put(self, key: Key, entry: CachedResponse) -> None:
        if len(entry.body) <= MAX_ENTRY_BYTES:
            super().put(key, entry)


def representation_key(environ: dict, version: str) -> Key:
    """What the body of an answer depends on besides the data: the URL as the app sees it
    (scheme and host make its Link headers) and Accept (content negotiation)."""
    return (
        version,
        environ.get("wsgi.url_scheme", ""),
        environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}",
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT", ""),
    )


def cache_key(environ: dict, version: str) -> Key:
    """What a stored answer depends on: its body's key, Origin (CORS headers) and
    Accept-Encoding (an entry holds the bytes as sent: compressed for a client that accepts
    it, and never for one that does not). The raw header, so no entry is ever shared by
    clients whose headers could choose different codings."""
    return (
        *representation_key(environ, version),
        environ.get("HTTP_ORIGIN", ""),
        environ.get("HTTP_ACCEPT_ENCODING", ""),
    )


@functools.cache
def code_fingerprint() -> str:
    """What renders the answers: this package's files and the installed distributions'
    versions. Replicas of one image agree on it; a new image (code or dependencies) changes
    it, so its ETags never claim the bytes an older image rendered."""
    files = [
        path
        for path in sorted(PACKAGE_DIR.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    distributions = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()
    )
    return source_digest(files, distributions)


def representation_tag(environ: dict, version: str) -> str:
    """The strong ETag of the answer to this request, without rendering it: one data
    version, one request (as representation_key sees it) and one code give one body, byte
    for byte, which is what the response cache already relies on. Origin is left out: it
    changes CORS headers only, so a cache that shares one copy among origins (CORS "*")
    can revalidate it with any of them. This is the tag of the uncompressed answer; a
    client accepting a coding gets it with that coding appended (compression.coded_etags)."""
    digest = hashlib.sha1(code_fingerprint().encode())
    for part in representation_key(environ, version):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _cacheable(environ: dict) -> bool:
    path = environ.get("PATH_INFO", "")
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        and path.startswith(CACHEABLE_PREFIX)
        and not path.startswith(NOT_CACHED)
        # A GET carrying a body is refused by the app (413): let it say so.
        and environ.get("CONTENT_LENGTH", "") in ("", "0")
        and "HTTP_TRANSFER_ENCODING" not in environ
    )


def _storable_headers(headers: list[tuple[str, str]]) -> bool:
    """Not an answer meant for one client or for no cache at all (checked on the final
    headers, after every hook of the app has run)."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control" and ("no-store" in value or "private" in value):
            return False
    return True


def _replayable(environ: dict) -> bool:
    return not any(name in environ for name in CONDITIONAL_HEADERS)


class ResponseCacheMiddleware:
    """Replays stored answers to plain GETs and stores the app's fresh 200 answers."""

    def __init__(
        self,
        wsgi_app: Callable,
        cache: ResponseCache,
        probe: DataVersionProbe,
        recorder: RequestRecorder,
        replay: bool,
    ):
        self.wsgi_app, self.cache, self.probe = wsgi_app, cache, probe
        self.recorder, self.replay = recorder, replay

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not _cacheable(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        version, environ[RELEASE_TIME_ENVIRON] = self.probe.read_with_time()
        environ[DATA_VERSION_ENVIRON] = version
        if version is None:  # no data yet, or a failing database: the app answers
            return self.wsgi_app(environ, start_response)
        key = cache_key(environ, version)
        if self.replay and _replayable(environ):
            hit = self.cache.get(key)
            if hit is not None:
                return self._replay(hit, environ, start_response, started)
        environ[KEY_ENVIRON] = key
        environ[REPRESENTATION_TAG_ENVIRON] = representation_tag(environ, version)
        return self._call_and_store(key, environ, start_response)

    def _replay(
        self, hit: CachedResponse, environ: dict, start_response: Callable, started: float
    ) -> Iterable[bytes]:
        request_id = accept_or_generate(environ.get("HTTP_X_REQUEST_ID"))
        start_response(hit.status, [*hit.headers, (REQUEST_ID_HEADER, request_id)])
        self.recorder.record_replayed(environ, hit.endpoint, hit.status, request_id, started)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [hit.body]

    def _call_and_store(self, key: Key, environ: dict, start_response: Callable) -> Iterable[bytes]:
        sent: list = []

        def keep_status_and_headers(status: str, headers: list, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        answer = self.wsgi_app(environ, keep_status_and_headers)
        endpoint = environ.get(STORABLE_ENVIRON)
        if endpoint is None or not sent or not sent[0].startswith("200"):
            return answer
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        status, headers = sent
        # Only what its version still says: a load committed while the app worked may have
        # given it newer data, which must not be kept under the version read before.
        if _storable_headers(headers) and self.probe.read() == key[0]:
            kept = [(name, value) for name, value in headers if name.lower() not in PER_REQUEST]
            self.cache.put(key, CachedResponse(status, kept, body, endpoint))
        return [body]


def _not_modified_without_rendering(max_age: int) -> Response | None:
    """A 304 when If-None-Match names the ETag this request's answer would get; None (go
    on and render) otherwise. Runs after the rate limiter's hook, so it still counts."""
    tag = request.environ.get(REPRESENTATION_TAG_ENVIRON)
    candidates = request.if_none_match
    # "*" matches any current answer, which only rendering can tell exists.
    if tag is None or not candidates or candidates.star_tag:
        return None
    # The tag for this client's coding (compression.py): the client's copy tells whether
    # the answer was compressed or sent as it is.
    matching = [coded for coded in coded_etags(tag, request) if candidates.contains_weak(coded)]
    if not matching:
        return None
    del request.environ[KEY_ENVIRON]  # nothing rendered, nothing to store
    return not_modified(matching[0], max_age)


def init_response_cache(
    app: Flask,
    probe: DataVersionProbe,
    recorder: RequestRecorder,
    replay: bool,
    max_entries: int = MAX_ENTRIES,
) -> ResponseCache:
    """Wrap `app` in the cache; call after every hook is registered (its own run last).

    `replay`: whether plain GETs may be answered before Flask (off when each request must
    pass the app's hooks, as with rate limits). `max_entries` 0 keeps nothing: the data
    version is still read for the totals and the kept SQLite connection.
    """
    cache = ResponseCache(max_entries)
    max_age = app.config["CACHE_MAX_AGE"]

    @app.before_request
    def _serve_from_cache() -> Response | None:
        key = request.environ.get(KEY_ENVIRON)
        if key is None:
            return None
        hit = cache.get(key)
        if hit is None:
            return _not_modified_without_rendering(max_age)
        # Answered from the entry: the app's after-hooks still run (304, limit headers), and
        # nothing is stored again. The entry's ETag and CORS headers are kept as they are.
        del request.environ[KEY_ENVIRON]
        return Response(hit.body, status=hit.status, headers=hit.headers)

    @app.after_request
    def _mark_storable(response: Response) -> Response:
        if (
            request.environ.get(KEY_ENVIRON) is not None
            and request.method == "GET"
            and response.status_code == 200
            and not response.direct_passthrough
            and not response.is_streamed
            and request.url_rule is not None
        ):
            request.environ[STORABLE_ENVIRON] = request.url_rule.endpoint
        return response

    app.wsgi_app = ResponseCacheMiddleware(app.wsgi_app, cache, probe, recorder, replay)
    app.extensions["response_cache"] = cache
    return cache
