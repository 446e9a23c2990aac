"""Full-text search on PostgreSQL: a tsvector per event, ranked with ts_rank_cd.

Our own text search configuration, `timeline_english`: the English Snowball stemmer
without a stop-word list, after unaccent. That matches what FTS5's porter + unicode61
tokenizer does on SQLite (stems, folds accents, keeps every word), so the same `q` finds
the same events on both engines.
"""

import logging

from peewee import SQL, Database, DatabaseError, Select

from timeline_api.models import (
    Actor,
    Citation,
    Event,
    EventActor,
    EventPoint,
    Quote,
    database,
)
from timeline_api.search.index import TABLE, EventSearchIndex, table_names
from timeline_api.search.query import SearchQuery, Term
from timeline_api.search.sqlite import MARK_END, MARK_START, SNIPPET_TOKENS

logger = logging.getLogger(__name__)
CONFIG = "timeline_english"
# Weight classes A-D: title, then actors and place, then summary, then quotes. Only the
# event's own words: see COLUMNS in search/sqlite.py for why headlines are left out.
DOCUMENT = (
    f"setweight(to_tsvector('{CONFIG}', unaccent(title)), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', unaccent(actors || ' ' || place)), 'B') || "
    f"setweight(to_tsvector('{CONFIG}', unaccent(summary)), 'C') || "
    f"setweight(to_tsvector('{CONFIG}', unaccent(quotes)), 'D')"
)
TSQUERY = f"to_tsquery('{CONFIG}', unaccent(%s))"
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_TOKENS}, MinWords=8, "
    "ShortWord=2, MaxFragments=1, FragmentDelimiter=…"
)


def _lexeme(word: str) -> str:
    # Words hold only letters, digits and underscores; quoting keeps tsquery syntax out.
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def _tsquery_term(term: Term) -> str:
    lexemes = [_lexeme(word) for word in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def compile_tsquery(query: SearchQuery) -> str:
    """The to_tsquery() text for a parsed query."""
    groups = ["(" + " | ".join(_tsquery_term(t) for t in group) + ")" for group in query.groups]
    return " & ".join(groups + ["!" + _tsquery_term(term) for term in query.excluded])


class PostgresEventSearch(EventSearchIndex):
    """The tsvector index and the query that searches it."""

    def create_schema(self, db: Database) -> None:
        try:
            with db.atomic():
                db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        except DatabaseError as error:
            # A server without the contrib modules: search still works, without folding
            # accents ("privacy" no longer finds "privácy").
            logger.warning("unaccent unavailable (%s); accents will not be folded", error)
            db.execute_sql(
                "CREATE OR REPLACE FUNCTION unaccent(text) RETURNS text "
                "LANGUAGE sql IMMUTABLE AS 'SELECT $1'"
            )
        with db.atomic():
            # Both names are created together or not at all (there is no IF NOT EXISTS).
            if not db.execute_sql(
                "SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG]
            ).fetchone():
                db.execute_sql(
                    f"CREATE TEXT SEARCH DICTIONARY {CONFIG}_stem "
                    "(TEMPLATE = snowball, Language = english)"
                )
                db.execute_sql(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
                db.execute_sql(
                    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
                    f"asciiword, word, hword, hword_part, hword_asciipart, asciihword "
                    f"WITH {CONFIG}_stem"
                )
        db.execute_sql(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            f"event_id integer PRIMARY KEY REFERENCES {Event._meta.table_name}(id) "
            "ON DELETE CASCADE, title text NOT NULL, summary text NOT NULL, "
            "quotes text NOT NULL, actors text NOT NULL, place text NOT NULL, "
            "document tsvector NOT NULL)"
        )
        db.execute_sql(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)"
        )

    def index_sql(self, where: str) -> str:
        """INSERT … SELECT of the indexed text of the events `where` selects."""
        t = table_names()
        return (
            f"INSERT INTO {TABLE} (event_id, title, summary, quotes, actors, place, document) "
            f"SELECT id, title, summary, quotes, actors, place, {DOCUMENT} FROM ("
            f"SELECT e.id, e.title, e.summary, "
            f"coalesce((SELECT string_agg(q.text, ' ' ORDER BY c.position, q.position) "
            f"  FROM {t[Quote]} q "
            f"  JOIN {t[Citation]} c ON q.citation_id = c.id WHERE c.event_id = e.id), '') "
            f"|| ' ' || coalesce((SELECT string_agg(p.summary || ' ' || p.quote, ' ' "
            f"  ORDER BY p.position) "
            f"  FROM {t[EventPoint]} p WHERE p.event_id = e.id), '') AS quotes, "
            f"coalesce((SELECT string_agg(a.name, ', ' ORDER BY a.name) FROM {t[Actor]} a "
            f"  WHERE a.id IN "
            f"  (SELECT ea.actor_id FROM {t[EventActor]} ea WHERE ea.event_id = e.id)), '') "
            f"  AS actors, "
            f"coalesce(e.place, '') AS place "
            f"FROM {t[Event]} e{where}) AS texts"
        )

    def matching(self, query: SearchQuery, ranked: bool = True) -> Select:
        """Rows (event_id, score) matching `query`, a lower score ranking higher; without
        `ranked`, (event_id) alone, for counting."""
        text = compile_tsquery(query)
        columns = [SQL("event_id").alias("event_id")]
        if ranked:
            # ts_rank_cd grows with relevance; negate it so both engines sort ascending.
            # float8: a float4 would not equal its own value sent back in a cursor.
            columns.append(
                SQL(f"(-ts_rank_cd(document, {TSQUERY}))::float8", [text]).alias("score")
            )
        matches = SQL(f"document @@ {TSQUERY}", [text])
        # Bound, so that it can be counted on its own (api/events/filters.py).
        return Select(from_list=[SQL(TABLE)], columns=columns).where(matches).bind(database)

    def snippets(self, query: SearchQuery, event_ids: list[int]) -> dict[int, str]:
        """The highlighted passage of each of `event_ids` (a page of matches): ts_headline
        re-parses a whole text, so it runs for the page, never for every match."""
        if not event_ids:
            return {}
        cursor = database.execute_sql(
            f"SELECT event_id, ts_headline('{CONFIG}', "
            "title || ' ' || summary || ' ' || quotes || ' ' || place, "
            f"{TSQUERY}, %s) FROM {TABLE} WHERE event_id = ANY(%s)",
            [compile_tsquery(query), HEADLINE_OPTIONS, list(event_ids)],
        )
        return dict(cursor.fetchall())
