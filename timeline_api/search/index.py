"""What both search backends share: the tables they index from, and when to re-index."""

from peewee import Database, chunked

from timeline_api.models import Actor, Citation, Event, EventActor, EventPoint, Quote

TABLE = "event_search"
REINDEX_BATCH = 500  # event ids per re-index statement


def table_names() -> dict:
    """Each indexed model's SQL table name, for the engines' own re-index statements."""
    models = (Event, Quote, Citation, EventPoint, EventActor, Actor)
    return {model: model._meta.table_name for model in models}


class EventSearchIndex:
    """Base of the engine-specific indexes: one row per event in TABLE.

    Each engine implements create_schema(db), index_sql(where) (which rebuild uses),
    matching(query, ranked=True) (a bound Select of (event_id, score), or (event_id) alone
    for counting, a lower score ranking higher) and snippets(query, event_ids)
    ({event_id: highlighted passage}).
    """

    KEY = "event_id"  # the column holding the event's id

    def index_sql(self, where: str) -> str:
        """INSERT … SELECT of the indexed text of the events `where` selects (alias e)."""
        raise NotImplementedError

    def rebuild(self, db: Database, event_ids: list[int] | None = None) -> None:
        """Re-index every event, or only `event_ids` (inside the loader's transaction)."""
        if event_ids is None:
            db.execute_sql(f"DELETE FROM {TABLE}")
            db.execute_sql(self.index_sql(""))
            return
        for batch in chunked(event_ids, REINDEX_BATCH):
            marks = ", ".join([db.param] * len(batch))
            db.execute_sql(f"DELETE FROM {TABLE} WHERE {self.KEY} IN ({marks})", batch)
            db.execute_sql(self.index_sql(f" WHERE e.id IN ({marks})"), batch)

    def needs_rebuild(self, db: Database) -> bool:
        (indexed,) = db.execute_sql(f"SELECT count(*) FROM {TABLE}").fetchone()
        return indexed != Event.select().count()
