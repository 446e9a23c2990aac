"""Full-text search over events, behind one small interface per database engine.

`parse_search` turns `q` into a SearchQuery; the backend for the bound database keeps
the index (`create_schema`, `rebuild`), answers `matching(query)` with rows of
(event_id, score), where a lower score ranks higher, and `snippets(query, ids)` with the
highlighted passages of a page of matches.
"""

import html

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from timeline_api.search.postgres import PostgresEventSearch
from timeline_api.search.query import SearchQuery, SearchSyntaxError, parse_search
from timeline_api.search.sqlite import MARK_END, MARK_START, SqliteEventSearch

__all__ = [
    "SearchQuery",
    "SearchSyntaxError",
    "highlight_snippet",
    "parse_search",
    "search_backend",
]


def search_backend(db: Database) -> SqliteEventSearch | PostgresEventSearch:
    """The search implementation for `db`'s engine."""
    if isinstance(db, SqliteDatabase):
        return SqliteEventSearch()
    if isinstance(db, PostgresqlDatabase):
        return PostgresEventSearch()
    raise NotImplementedError(f"full-text search is not implemented for {type(db).__name__}")


def highlight_snippet(raw: str | None) -> str | None:
    """Escape a snippet for HTML and turn the engine's match markers into <mark> tags."""
    if raw is None:
        return None
    return html.escape(raw).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
