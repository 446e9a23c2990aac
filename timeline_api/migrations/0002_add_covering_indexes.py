"""Covering indexes for the tag, actor and type filters and facets (pwmigrate generate)."""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index("event", ("event_type", "date_start", "date_end")))
    migrator.migrate(migrator.add_index("eventactor", ("actor_id", "event_id")))
    migrator.migrate(migrator.add_index("eventtag", ("tag_id", "event_id")))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("eventtag", "eventtag_tag_id_event_id"))
    migrator.migrate(migrator.drop_index("eventactor", "eventactor_actor_id_event_id"))
    migrator.migrate(migrator.drop_index("event", "event_event_type_date_start_date_end"))
