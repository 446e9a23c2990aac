"""Search index rebuilt with English stemming, over an event's own words and its place
(its sources' headlines are no longer indexed): the old index is dropped, the new one
created and filled from the data already loaded."""

from timeline_api.search import search_backend
from timeline_api.search.index import TABLE


def up(migrator, db):
    backend = search_backend(db)
    db.execute_sql(f"DROP TABLE IF EXISTS {TABLE}")
    backend.create_schema(db)
    backend.rebuild(db)


def down(migrator, db):
    db.execute_sql(f"DROP TABLE IF EXISTS {TABLE}")
