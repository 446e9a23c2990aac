"""Validated seed files kept between loads, so a reload parses only the files that changed.

Parsing and validating is most of a load (about half a millisecond an event file, a minute
of CPU at 100,000 events, and seconds for a large catalogue), yet a file whose bytes and
validating code are unchanged validates to the same records. So each valid file's records
are kept in `seed_file` under its content digest (seeds/files.py), written in the load's
transaction: a failed or killed load keeps the previous ones, and any loader may reuse what
another wrote, since the digest names the content, not the load.
"""

import json
from typing import NamedTuple

from peewee import chunked

from timeline_api.bulk import insert_rows, raw_rows
from timeline_api.models import ParsedSeedFile


class KeptFile(NamedTuple):
    """A valid seed file as a load keeps it; `encoded` and `place` are None until the load
    that read it has encoded and placed its records."""

    digest: str  # seeds.files.content_digest of its bytes
    record: str  # the validated record (a list of them for a catalogue) as JSON
    encoded: str | None  # its records' canonical digests (releases/records.py), JSON list
    place: str | None  # an event's place row (seeds/places.py) as JSON


DELETE_BATCH = 500  # names per DELETE … IN (…): well under SQLite's and PostgreSQL's limits


def parsed_files() -> dict[str, KeptFile]:
    """{file name: the file as the loads so far kept it}."""
    model = ParsedSeedFile
    query = model.select(model.name, model.digest, model.record, model.encoded, model.place)
    return {name: KeptFile(*kept) for name, *kept in raw_rows(query)}


def store_parsed_files(
    files: dict[str, KeptFile],
    digests: dict[str, list[str]],
    places: dict[str, dict | None],
) -> None:
    """Make `seed_file` hold exactly `files` (a load's valid files), writing only the
    names whose digest differs; `digests`: {file name: its records' canonical digests},
    `places`: {event file name: the event's place row}, for the files this load read."""
    stored = dict(raw_rows(ParsedSeedFile.select(ParsedSeedFile.name, ParsedSeedFile.digest)))
    outdated = [name for name, digest in stored.items() if files.get(name, ("",))[0] != digest]
    for names in chunked(outdated, DELETE_BATCH):
        ParsedSeedFile.delete().where(ParsedSeedFile.name.in_(names)).execute()
    insert_rows(
        ParsedSeedFile,
        kept_rows(
            {name: kept for name, kept in files.items() if stored.get(name) != kept.digest},
            digests,
            places,
        ),
    )


def kept_rows(
    files: dict[str, KeptFile], digests: dict[str, list[str]], places: dict[str, dict | None]
) -> list[dict]:
    """The `seed_file` rows of `files` (see store_parsed_files)."""
    return [
        {
            "name": name,
            "digest": digest,
            "record": record,
            "encoded": encoded or json.dumps(digests[name]),
            "place": place or (json.dumps(places[name]) if name in places else None),
        }
        for name, (digest, record, encoded, place) in files.items()
    ]
