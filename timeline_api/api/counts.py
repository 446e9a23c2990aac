"""Totals of filtered lists, remembered per data version.

Every list answers with `total`, the number of rows matching its filters across all
pages. Counting rescans every matching row, which at 100,000 events cost more than the
page itself; a count depends only on the data and the filters, so it is kept per worker
under (data version, the count's SQL and parameters). A new data version makes every old
total unreachable, and the bound keeps memory flat.
"""

import threading
from collections import OrderedDict

from flask import current_app, has_request_context, request
from peewee import SelectBase

from timeline_api.database import DATA_VERSION_ENVIRON
from timeline_api.models import database

MAX_ENTRIES = 8192
EXTENSION_KEY = "timeline_api.counts"


class CountCache:
    """An LRU of totals by key, bounded in entries (each a small int)."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._totals: OrderedDict[tuple, int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> int | None:
        with self._lock:
            total = self._totals.get(key)
            if total is not None:
                self._totals.move_to_end(key)
            return total

    def put(self, key: tuple, total: int) -> None:
        with self._lock:
            self._totals[key] = total
            self._totals.move_to_end(key)
            while len(self._totals) > self.max_entries:
                self._totals.popitem(last=False)

    def __len__(self) -> int:
        return len(self._totals)


def init_counts(app) -> CountCache:
    cache = app.extensions[EXTENSION_KEY] = CountCache()
    return cache


def count_rows(query: SelectBase) -> int:
    """`query.count()`, from the cache when this data version has counted it already.

    Outside a request, or when the request's data version is unknown (no data loaded, a
    failing database), it simply counts.
    """
    version = request.environ.get(DATA_VERSION_ENVIRON) if has_request_context() else None
    cache = current_app.extensions.get(EXTENSION_KEY) if version is not None else None
    if cache is None:
        return query.count()
    sql, params = query.sql()
    key = (version, sql, tuple(params))
    total = cache.get(key)
    if total is None:
        # The SQL is built already (for the key): count with it rather than build it again.
        wrapped = f"SELECT COUNT(1) FROM ({sql}) AS counted"
        (total,) = database.execute_sql(wrapped, params).fetchone()
        cache.put(key, total)
    return total
