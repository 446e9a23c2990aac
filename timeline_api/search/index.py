"""What both search backends share: the tables they index from, and when to re-index."""

from peewee import Database

from timeline_api.models import Actor, Citation, Event, EventActor, EventPoint, Quote

TABLE = "event_search"
REINDEX_BATCH = 500  # event ids per re-index statement


def table_names() -> dict:
    """Each indexed model's SQL table name, for the engines' own re-index statements."""
    models = (Event, Quote, Citation, EventPoint, EventActor, Actor)
    return {model: model._meta.table_name for model in models}


class EventSearchIndex:
    """Base of the engine-specific indexes: one row per event in TABLE.

    Each engine implements create_schema(db), rebuild(db, event_ids=None),
    matching(query, ranked=True) (a bound Select of (event_id, score), or (event_id) alone
    for counting, a lower score ranking higher) and snippets(query, event_ids)
    ({event_id: highlighted passage}).
    """

    def needs_rebuild(self, db: Database) -> bool:
        (indexed,) = db.execute_sql(f"SELECT count(*) FROM {TABLE}").fetchone()
        return indexed != Event.select().count()
