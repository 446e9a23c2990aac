"""Validated seed files kept between loads, so a reload parses only the files that changed.

Parsing and validating is most of a load (about half a millisecond an event file, a minute
of CPU at 100,000 events, and seconds for a large catalogue), yet a file whose bytes and
validating code are unchanged validates to the same records. So each valid file's records
are kept in `seed_file` under its content digest (seeds/files.py), written in the load's
transaction: a failed or killed load keeps the previous ones, and any loader may reuse what
another wrote, since the digest names the content, not the load.
"""

from peewee import chunked

from timeline_api.bulk import insert_rows
from timeline_api.models import ParsedSeedFile

DELETE_BATCH = 500  # names per DELETE … IN (…): well under SQLite's and PostgreSQL's limits


def parsed_files() -> dict[str, tuple[str, str]]:
    """{file name: (content digest, validated JSON)} as the loads so far left them."""
    query = ParsedSeedFile.select(
        ParsedSeedFile.name, ParsedSeedFile.digest, ParsedSeedFile.record
    ).tuples()
    return {name: (digest, record) for name, digest, record in query}


def store_parsed_files(files: dict[str, tuple[str, str]]) -> None:
    """Make `seed_file` hold exactly `files` (a load's valid files), writing only the
    names whose digest differs."""
    stored = dict(ParsedSeedFile.select(ParsedSeedFile.name, ParsedSeedFile.digest).tuples())
    outdated = [name for name, digest in stored.items() if files.get(name, ("",))[0] != digest]
    for names in chunked(outdated, DELETE_BATCH):
        ParsedSeedFile.delete().where(ParsedSeedFile.name.in_(names)).execute()
    insert_rows(
        ParsedSeedFile,
        [
            {"name": name, "digest": digest, "record": record}
            for name, (digest, record) in files.items()
            if stored.get(name) != digest
        ],
    )
