"""Full-text search on SQLite with FTS5: one row per event, ranked with bm25.

English stemming (FTS5's porter tokenizer over unicode61), so "surveilling" finds
"surveillance"; PostgreSQL stems with the same algorithm family (search/postgres.py).
"""

from peewee import SQL, Database, Select, chunked

from timeline_api.models import (
    Actor,
    Citation,
    Event,
    EventActor,
    EventPoint,
    Quote,
    database,
)
from timeline_api.search.index import REINDEX_BATCH, TABLE, EventSearchIndex, table_names
from timeline_api.search.query import SearchQuery, Term

# Only the event's own words: its sources' headlines are not indexed, because a headline
# names every event its article reports, and a word in it alone pulled in unrelated events.
COLUMNS = ("title", "summary", "quotes", "actors", "place")
# bm25 weights, in COLUMNS order: a hit in the title counts most, then actors, place and
# summary; the verbatim quotes (and points) least.
WEIGHTS = (8.0, 3.0, 1.0, 4.0, 4.0)
TOKENIZER = "porter unicode61 remove_diacritics 2"
# Private-use markers survive FTS5's snippet() and are turned into <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_TOKENS = 16


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts5_term(term: Term) -> str:
    # Every word is a quoted string, so nothing a user types is read as FTS5 syntax.
    phrase = _fts5_string(" ".join(term.words))
    return phrase + ("*" if term.prefix else "")


def _required(query: SearchQuery) -> str:
    groups = ["(" + " OR ".join(_fts5_term(term) for term in group) + ")" for group in query.groups]
    return " AND ".join(groups)


def compile_fts5(query: SearchQuery) -> str:
    """The FTS5 MATCH expression for a parsed query."""
    expression = _required(query)
    for term in query.excluded:
        expression += " NOT " + _fts5_term(term)
    return expression


# Events whose title holds every required word come first: bm25 alone ranks by rarity
# across events (IDF), which says little in a curated set where "data" and "security" are
# in nearly every event, so an event with every word in its title could rank below one
# merely repeating one of them. bm25 then orders the events within each of the two groups.
# One more FTS5 lookup (the title column only): a lookup per column cost 2-3x the ranked
# query on 100,000 synthetic events, this one about nothing.
TITLE_RANK = -1000.0


def _title_rank(query: SearchQuery) -> tuple[str, list[str]]:
    """SQL for TITLE_RANK when the title matches every required term (else 0), and its
    parameter."""
    return (
        f"{TITLE_RANK} * (rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?))",
        [f"title : ({_required(query)})"],
    )


def _index_sql(where: str) -> str:
    """INSERT … SELECT of the indexed text of the events `where` selects."""
    t = table_names()
    return (
        f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
        f"SELECT e.id, e.title, e.summary, "
        f"coalesce((SELECT group_concat(q.text, ' ') FROM {t[Quote]} q "
        f"  JOIN {t[Citation]} c ON q.citation_id = c.id WHERE c.event_id = e.id), '') "
        f"|| ' ' || coalesce((SELECT group_concat(p.summary || ' ' || p.quote, ' ') "
        f"  FROM {t[EventPoint]} p WHERE p.event_id = e.id), ''), "
        f"coalesce((SELECT group_concat(a.name, ', ') FROM {t[Actor]} a WHERE a.id IN "
        f"  (SELECT ea.actor_id FROM {t[EventActor]} ea WHERE ea.event_id = e.id)), ''), "
        f"coalesce(e.place, '') "
        f"FROM {t[Event]} e{where}"
    )


class SqliteEventSearch(EventSearchIndex):
    """The FTS5 index and the query that searches it."""

    def create_schema(self, db: Database) -> None:
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            + ", ".join(COLUMNS)
            + f", tokenize = '{TOKENIZER}')"
        )

    def rebuild(self, db: Database, event_ids: list[int] | None = None) -> None:
        """Re-index every event, or only `event_ids` (inside the loader's transaction)."""
        if event_ids is None:
            db.execute_sql(f"DELETE FROM {TABLE}")
            db.execute_sql(_index_sql(""))
            return
        for batch in chunked(event_ids, REINDEX_BATCH):
            marks = ", ".join("?" * len(batch))
            db.execute_sql(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", batch)
            db.execute_sql(_index_sql(f" WHERE e.id IN ({marks})"), batch)

    def matching(self, query: SearchQuery, ranked: bool = True) -> Select:
        """Rows (event_id, score) matching `query`, a lower score ranking higher; without
        `ranked`, (event_id) alone, for counting."""
        weights = ", ".join(str(weight) for weight in WEIGHTS)
        columns = [SQL("rowid").alias("event_id")]
        if ranked:
            title_rank, params = _title_rank(query)
            columns.append(SQL(f"({title_rank} + bm25({TABLE}, {weights}))", params).alias("score"))
        matches = SQL(f"{TABLE} MATCH ?", [compile_fts5(query)])
        # Bound, so that it can be counted on its own (api/events/filters.py).
        return Select(from_list=[SQL(TABLE)], columns=columns).where(matches).bind(database)

    def snippets(self, query: SearchQuery, event_ids: list[int]) -> dict[int, str]:
        """The highlighted passage of each of `event_ids` (a page of matches).

        Asked for the page only: snippet() re-reads and re-tokenises an event's text, and
        computing it for every match, as part of the ranking query, cost more than the
        ranking itself once a word matched thousands of events.
        """
        if not event_ids:
            return {}
        placeholders = ", ".join("?" * len(event_ids))
        cursor = database.execute_sql(
            f"SELECT rowid, snippet({TABLE}, -1, ?, ?, ?, ?) FROM {TABLE} "
            f"WHERE {TABLE} MATCH ? AND rowid IN ({placeholders})",
            [MARK_START, MARK_END, "…", SNIPPET_TOKENS, compile_fts5(query), *event_ids],
        )
        return dict(cursor.fetchall())
