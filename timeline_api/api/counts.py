"""Totals of filtered lists, remembered per data version.

Every list answers with `total`, the number of rows matching its filters across all
pages. Counting rescans every matching row, which at 100,000 events cost more than the
page itself; a count depends only on the data and the filters, so it is kept per worker
under (data version, the count's SQL and parameters). A new data version makes every old
total unreachable, and the bound keeps memory flat.
"""

from dataclasses import dataclass

from flask import Flask, current_app, has_request_context, request
from peewee import SQL, Select, SelectBase, fn

from timeline_api.api.bounded_cache import BoundedCache
from timeline_api.data_version import DATA_VERSION_ENVIRON, DataVersionProbe
from timeline_api.models import database

MAX_ENTRIES = 8192
EXTENSION_KEY = "timeline_api.counts"


@dataclass
class Totals:
    """An app's totals and the probe that tells whether a fresh count may be kept."""

    cache: BoundedCache[int]
    probe: DataVersionProbe


def init_counts(app: Flask, probe: DataVersionProbe) -> Totals:
    """Give `app` its totals cache (count_rows() finds it through current_app)."""
    totals = app.extensions[EXTENSION_KEY] = Totals(BoundedCache(MAX_ENTRIES), probe)
    return totals


def _counting_select(query: SelectBase) -> Select:
    # As peewee's count(): the rows of the query, without its order, as a subquery.
    rows = query.order_by().alias("counted")
    if getattr(rows, "_group_by", None) is None and getattr(rows, "_distinct", None) is None:
        rows = rows.select(SQL("1"))
    return Select([rows], [fn.COUNT(SQL("1"))]).bind(database)  # the engine's SQL dialect


def count_rows(query: SelectBase) -> int:
    """`query.count()`, from the cache when this data version has counted it already.

    Outside a request, or when the request's data version is unknown (no data loaded, a
    failing database), it simply counts.
    """
    version = request.environ.get(DATA_VERSION_ENVIRON) if has_request_context() else None
    totals = current_app.extensions.get(EXTENSION_KEY) if version is not None else None
    if totals is None or database.overridden():  # a past release (as_of): its own data
        return query.count()
    # The SQL is built once: it is both the cache key and what runs on a miss.
    sql, params = _counting_select(query).sql()
    key = (version, sql, tuple(params))
    total = totals.cache.get(key)
    if total is None:
        (total,) = database.execute_sql(sql, params).fetchone()
        # Kept only if the version still holds: a load committed meanwhile may have been
        # counted, and must not be remembered under the version read before it.
        if totals.probe.read() == version:
            totals.cache.put(key, total)
    return total
