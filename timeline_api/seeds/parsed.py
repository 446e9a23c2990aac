"""Validated event files kept between loads, so a reload parses only the files that changed.

Parsing and validating an event file is most of a load (about half a millisecond each, a
minute of CPU at 100,000 events), yet a file whose bytes and validating code are unchanged
gives the same record. So each valid file's record is kept in `seed_file` under its content
digest (seeds/files.py), written in the load's transaction: a failed or killed load keeps
the previous ones, and any loader may reuse what another wrote, since the digest names the
content, not the load.
"""

from peewee import chunked

from timeline_api.bulk import insert_rows
from timeline_api.models import ParsedSeedFile

DELETE_BATCH = 500  # names per DELETE … IN (…): well under SQLite's and PostgreSQL's limits


def parsed_files() -> dict[str, tuple[str, str]]:
    """{file name: (content digest, event JSON)} as the loads so far left them."""
    query = ParsedSeedFile.select(
        ParsedSeedFile.name, ParsedSeedFile.digest, ParsedSeedFile.record
    ).tuples()
    return {name: (digest, record) for name, digest, record in query}


def store_parsed_files(files: dict[str, tuple[str, str]]) -> None:
    """Make `seed_file` hold exactly `files` (a load's valid event files), writing only
    the names whose digest differs."""
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
