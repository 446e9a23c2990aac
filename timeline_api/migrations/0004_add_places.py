"""Places with coordinates, and each event's resolved place (`event.location_id`)."""

from peewee import *


def up(migrator, db):
    class Place(Model):
        slug = CharField(unique=True, max_length=120)
        name = CharField()
        country = CharField(null=True, max_length=2)
        latitude = FloatField()
        longitude = FloatField()
        gazetteer_id = IntegerField(null=True)
        geo_precision = CharField(max_length=10)
        coordinates_from = CharField(max_length=20)

        class Meta:
            database = db
            table_name = "place"

    db.create_tables([Place])
    migrator.migrate(
        migrator.add_column(
            "event",
            "location_id",
            ForeignKeyField(Place, field=Place.id, null=True, on_delete="SET NULL"),
        )
    )  # add_column indexes a foreign key itself (event_location_id)


def down(migrator, db):
    # SQLite keeps an index on a dropped column and then fails: drop the index first.
    migrator.migrate(migrator.drop_index("event", "event_location_id"))
    migrator.migrate(migrator.drop_column("event", "location_id"))
    db.execute_sql('DROP TABLE "place"')
