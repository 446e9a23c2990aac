"""Two changes from what new users tripped on (issue 15).

- Sources get the fingerprint of the article their quotes were checked against
  (`article_sha256`) and the day of that check (`article_checked`).
- The search index is rebuilt with English stemming, over an event's own words and its
  place (its sources' headlines are no longer indexed): the old index is dropped, the new
  one created and filled from the data already loaded.
"""

from peewee import CharField

from timeline_api.search import search_backend
from timeline_api.search.index import TABLE


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("source", "article_sha256", CharField(max_length=64, null=True))
    )
    migrator.migrate(
        migrator.add_column("source", "article_checked", CharField(max_length=10, null=True))
    )
    backend = search_backend(db)
    db.execute_sql(f"DROP TABLE IF EXISTS {TABLE}")
    backend.create_schema(db)
    backend.rebuild(db)


def down(migrator, db):
    db.execute_sql(f"DROP TABLE IF EXISTS {TABLE}")
    migrator.migrate(migrator.drop_column("source", "article_checked"))
    migrator.migrate(migrator.drop_column("source", "article_sha256"))
