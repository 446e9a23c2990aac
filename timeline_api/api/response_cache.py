"""A bounded per-worker cache of rendered API answers, keyed on the data version.

The data changes only when seeds are loaded, and every load writes a new version into
DatasetState in the same transaction. Each request reads that version (one indexed
single-row query) and looks up (version, URL, Accept): a hit skips the queries and the
serialisation, and a new version makes every old entry unreachable, so nobody is served
stale data. Entries are bounded in number and bytes, so memory does not grow with the data.
"""

import threading
from collections import OrderedDict

from flask import Flask, Response, g, request

from timeline_api.models import DatasetState

MAX_ENTRIES = 2048
MAX_BYTES = 16 * 1024 * 1024
MAX_ENTRY_BYTES = 512 * 1024  # big exports are rendered each time rather than crowd others out
CACHEABLE_PREFIX = "/api/v1/"
NOT_CACHED = ("/api/v1/docs",)
# What a cached answer keeps; per-request headers (CORS, request id, limits) are added anew.
KEPT_HEADERS = ("Content-Type", "Link", "Content-Disposition", "Vary")


class ResponseCache:
    """An LRU of (body, headers) by key, bounded in entries and in total bytes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[tuple, tuple[bytes, list[tuple[str, str]]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # gunicorn may run threads (GUNICORN_THREADS)

    def get(self, key: tuple) -> tuple[bytes, list[tuple[str, str]]] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, body: bytes, headers: list[tuple[str, str]]) -> None:
        if len(body) > MAX_ENTRY_BYTES:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (body, headers)
            self._bytes += len(body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (old_body, _) = self._entries.popitem(last=False)
                self._bytes -= len(old_body)

    def __len__(self) -> int:
        return len(self._entries)


def _cacheable() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.path.startswith(CACHEABLE_PREFIX)
        and not request.path.startswith(NOT_CACHED)
    )


def init_response_cache(app: Flask) -> ResponseCache:
    """Serve repeated GETs from the cache; register after every other before_request hook."""
    cache = ResponseCache()

    @app.before_request
    def _serve_from_cache() -> Response | None:
        if not _cacheable():
            return None
        version = DatasetState.select(DatasetState.version).where(DatasetState.id == 1).scalar()
        g.response_cache_key = (version, request.url, request.headers.get("Accept", ""))
        hit = cache.get(g.response_cache_key)
        if hit is None:
            return None
        del g.response_cache_key  # already stored: nothing for the after-hook to do
        body, headers = hit
        return Response(body, headers=headers)

    @app.after_request
    def _store_in_cache(response: Response) -> Response:
        key = g.pop("response_cache_key", None)
        storable = key is not None and key[0] is not None  # None: no data loaded yet
        if storable and response.status_code == 200 and not response.direct_passthrough:
            headers = [(k, v) for k, v in response.headers if k in KEPT_HEADERS]
            cache.put(key, response.get_data(), headers)
        return response

    app.extensions["response_cache"] = cache
    return cache
