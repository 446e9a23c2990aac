"""The loader's memory of validated seed files (`seed_file`), so a reload parses only
the files that changed (empty at first: the next load fills it), and which code wrote the
tables (`datasetstate.written_by`, unknown at first: the next load compares every table)."""

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
    migrator.migrate(
        migrator.add_column("datasetstate", "written_by", CharField(max_length=64, null=True))
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("datasetstate", "written_by"))
    db.execute_sql('DROP TABLE "seed_file"')
