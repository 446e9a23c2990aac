"""The loader's memory of validated seed files (`seed_file`), so a reload parses only
the files that changed. Empty at first: the next load fills it."""

from peewee import *


def up(migrator, db):
    class ParsedSeedFile(Model):
        name = CharField(primary_key=True, max_length=255)
        digest = CharField(max_length=64)
        record = TextField()
        encoded = TextField()
        place = TextField(null=True)

        class Meta:
            database = db
            table_name = "seed_file"

    db.create_tables([ParsedSeedFile])


def down(migrator, db):
    db.execute_sql('DROP TABLE "seed_file"')
