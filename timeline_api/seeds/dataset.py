"""Reading the whole seeds/ folder into a validated dataset, collecting every problem."""

import functools
import gc
import json
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import Counter
from collections.abc import Callable, Container, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from marshmallow import Schema, ValidationError

from timeline_api.dates import parse_partial_date
from timeline_api.releases.recording import event_record
from timeline_api.releases.records import EncodedRecord
from timeline_api.seeds.files import (
    SeedFile,
    SeedFileError,
    SeedProblem,
    content_digest,
    flatten_errors,
    read_seed_file,
)
from timeline_api.seeds.parsed import KeptFile
from timeline_api.seeds.places import PlaceResolver, UnresolvedPlace
from timeline_api.seeds.schemas import (
    ActorSeedSchema,
    EventSeedSchema,
    SourceSeedSchema,
    TagSeedSchema,
)

SOURCES_FILE = "sources.yaml"
ACTORS_FILE = "actors.yaml"
TAGS_FILE = "tags.yaml"
EVENTS_DIR = "events"
# Below this many event files, starting worker processes (about a second) costs more
# than it saves; the curated seeds are read in the calling process.
PARALLEL_READ_FROM = 2000
MAX_READ_WORKERS = 8
# Event files read (and, by a first load, written) at a time in this process.
READ_CHUNK = 500


@dataclass
class Dataset:
    """Validated seed records, as plain dicts, with the file each came from."""

    sources: list[dict] = field(default_factory=list)
    actors: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    # Resolved places (seeds/places.py); each event names its own in event["_place"].
    places: list[dict] = field(default_factory=list)
    files: dict[str, SeedFile] = field(default_factory=dict)
    # Slugs of entries that failed validation: references to them are not reported again.
    invalid_slugs: set[str] = field(default_factory=set)
    # What validated of event files that did not: never loaded, but still checked across
    # files (dates, references, quotes), so one run reports every problem of a file.
    partial_events: list[dict] = field(default_factory=list)
    # Valid files as the next load can reuse them.
    parsed_files: dict[str, KeptFile] = field(default_factory=dict)
    # Names of the event files whose records an earlier load kept (unchanged since)
    reused_files: set[str] = field(default_factory=set)
    # {(kind, slug): canonical digest} of the records of reused files (releases/records.py)
    # and of the events the reading processes encoded (whose text is in known_texts)
    known_digests: dict[tuple[str, str], str] = field(default_factory=dict)
    known_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    # {event slug: its place row (as JSON when an earlier load kept it)} of reused event
    # files and of the events the reading processes placed (seeds/places.py)
    known_places: dict[str, str | dict] = field(default_factory=dict)


class EventBatch(NamedTuple):
    """Events read so far (read_dataset's on_events)."""

    dataset: Dataset  # as read so far: its catalogues, and the events up to these
    events: list[dict]  # valid and placed (event["_place"])
    places: dict[str, dict]  # every place row so far, by slug
    clean: bool  # whether no problem was found so far, the cross-file checks aside


def _validate(
    seed_file: SeedFile, schema: Schema, problems: list[SeedProblem]
) -> tuple[dict | None, dict | None]:
    """(the record, None) when valid, else (None, the fields that did validate)."""
    if not isinstance(seed_file.data, dict):
        problems.append(seed_file.problem((), "must be a YAML mapping (key: value pairs)"))
        return None, None
    try:
        return schema.load(seed_file.data), None
    except ValidationError as error:
        for path, message in flatten_errors(error.messages):
            problems.append(seed_file.problem(path, message))
        partial = error.valid_data if isinstance(error.valid_data, dict) else None
        return None, partial


def _read(
    path: Path, problems: list[SeedProblem], kept_digest: str | None = None
) -> SeedFile | None:
    if not path.is_file():
        problems.append(SeedProblem(str(path), None, "file is missing"))
        return None
    try:
        return read_seed_file(path, kept_digest)
    except SeedFileError as error:
        problems.append(error.problem)
        return None


def _unchanged(path: Path, kept: KeptFile | None) -> bool:
    """Whether `path` still has the content digest an earlier load kept (a file that
    cannot be read is not: reading it again reports why)."""
    if kept is None:
        return False
    try:
        return content_digest(path.read_bytes()) == kept.digest
    except OSError:
        return False


class CatalogRead(NamedTuple):
    """A catalogue file parsed and validated (by a reading process, with many event files)."""

    seed_file: SeedFile | None  # without its data (None: it could not be read)
    records: list[tuple[int, dict]]  # (index in the file, record) of each valid item
    problems: list[SeedProblem]
    invalid_slugs: set[str]  # of the items that failed: references to them are not reported
    kept: KeptFile | None  # the file as the next load may reuse it, when every item is valid


CATALOG_SCHEMAS: dict[str, type[Schema]] = {
    "sources": SourceSeedSchema,
    "actors": ActorSeedSchema,
    "tags": TagSeedSchema,
}


def _parse_catalog(path: Path, key: str) -> CatalogRead:
    """Validate a catalogue item by item, so one bad entry does not hide the others."""
    problems: list[SeedProblem] = []
    seed_file = _read(path, problems)
    if seed_file is None:
        return CatalogRead(None, [], problems, set(), None)
    data = seed_file.data
    bare = SeedFile(path, None, seed_file.digest)  # sent back: a problem re-reads the file
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(seed_file.problem((), f"must be a mapping with a list under '{key}:'"))
        return CatalogRead(bare, [], problems, set(), None)
    valid = True
    for extra in sorted(set(data) - {key}, key=str):
        problems.append(seed_file.problem((extra,), "Unknown field."))
        valid = False
    schema = CATALOG_SCHEMAS[key]()
    records, invalid_slugs = [], set()
    for index, item in enumerate(data[key]):
        try:
            if not isinstance(item, dict):
                raise ValidationError("Must be a mapping (key: value pairs).")
            record = schema.load(item)
        except ValidationError as error:
            valid = False
            for field_path, message in flatten_errors(error.messages):
                problems.append(seed_file.problem((key, index, *field_path), message))
            if isinstance(item, dict) and isinstance(item.get("slug"), str):
                invalid_slugs.add(item["slug"])
            continue
        records.append((index, record))
    kept = None
    if valid:  # then every item is a record, in file order
        text = json.dumps([record for _, record in records], separators=(",", ":"))
        kept = KeptFile(seed_file.digest, text, None, None)
    return CatalogRead(bare, records, problems, invalid_slugs, kept)


def _read_catalog(
    path: Path,
    key: str,
    dataset: Dataset,
    problems: list,
    kept: KeptFile | None,
    parsed: Callable[[], CatalogRead] | None,
) -> list[dict]:
    """A catalogue's records: as `parsed()` gives them or, without it, from `kept`, its
    records as an earlier load kept them."""
    name = path.name
    if parsed is None:
        dataset.files[name] = SeedFile(path, None)  # re-read only to locate a problem
        dataset.parsed_files[name] = kept
        records = json.loads(kept.record)
        kind = key[:-1]  # "sources" -> "source"
        for index, (record, digest) in enumerate(
            zip(records, json.loads(kept.encoded), strict=True)
        ):
            record["_file"], record["_path"] = name, (key, index)
            dataset.known_digests[(kind, record["slug"])] = digest
        return records
    read = parsed()
    problems.extend(read.problems)
    dataset.invalid_slugs.update(read.invalid_slugs)
    if read.seed_file is None:
        return []
    dataset.files[name] = read.seed_file
    if read.kept is not None:
        dataset.parsed_files[name] = read.kept
    for index, record in read.records:
        record["_file"], record["_path"] = name, (key, index)  # its index in the file
    return [record for _, record in read.records]


# (the event or None, its problems, the fields that validated when the event did not,
# the file as the next load may reuse it, the event's record encoded with its place as
# the reading process placed it: (place, canonical text, digest), or None)
EventRead = tuple[
    dict | None,
    list[SeedProblem],
    dict | None,
    KeptFile | None,
    tuple[dict | None, str, str] | None,
]


def _encoded(event: dict, places: PlaceResolver) -> tuple[dict | None, str, str] | None:
    """The event's record encoded with its place as `places` alone gives it, or None when
    it cannot be placed. Encoding is a tenth of reading a file, done by the reading
    processes; the loader keeps it only if the event has that place in the dataset."""
    place = places.place_of(event)
    if isinstance(place, UnresolvedPlace):
        return None
    item = EncodedRecord("event", event_record(event, place))
    return place, item.text, item.digest


def _read_event_files(files: list[tuple[Path, str | None]]) -> list[EventRead | None]:
    """Parse, validate and encode event files, given as (path, the content digest an
    earlier load kept for it or None); None for a file that still has that digest."""
    schema = EventSeedSchema()
    places = PlaceResolver()
    results: list[EventRead | None] = []
    for path, kept_digest in files:
        problems: list[SeedProblem] = []
        seed_file = _read(path, problems, kept_digest)
        if seed_file is not None and seed_file.digest == kept_digest:
            results.append(None)  # its kept records are used
            continue
        event, partial = (
            _validate(seed_file, schema, problems) if seed_file is not None else (None, None)
        )
        if event is not None and path.stem != event["slug"]:
            problems.append(
                seed_file.problem(("slug",), f"must match the file name ({path.stem!r})")
            )
        kept = encoded = None
        if event and not problems:
            kept = KeptFile(seed_file.digest, json.dumps(event, separators=(",", ":")), None, None)
            encoded = _encoded(event, places)
        results.append((event, problems, partial, kept, encoded))
    return results


@contextmanager
def _files_read(
    files: list[tuple[Path, str | None]], workers: int | None, tasks: list[tuple[Callable, tuple]]
) -> Iterator[tuple[list[Callable[[], Any]], Iterator[EventRead | None]]]:
    """The results of `tasks` (each a function to call for its result), and the reads of
    the event files `files` (see _read_event_files), in order, as they become available.

    Event files are independent, so with many of them each core reads, parses and
    validates its share (YAML construction and marshmallow are pure Python, one core
    each); `tasks` (the catalogues: 25,000 sources take five seconds) go to them first.
    The caller consumes the reads in order meanwhile (a first load writes them; a reload
    decodes the records kept for the unchanged files). Fewer files are read in this
    process, chunk by chunk as they are asked for.
    """
    workers = workers if workers is not None else min(MAX_READ_WORKERS, os.cpu_count() or 1)
    parallel = workers >= 2 and len(files) >= PARALLEL_READ_FROM
    # Small chunks: the caller gets the first reads within a second, and little is left
    # for it to write once the last chunk comes back.
    chunks = [files[start : start + READ_CHUNK] for start in range(0, len(files), READ_CHUNK)]
    if not parallel:
        results = [functools.partial(task, *args) for task, args in tasks]
        yield results, (read for chunk in chunks for read in _read_event_files(chunk))
        return
    # spawn, not fork: the caller may hold database connections and threads.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    try:
        futures = [pool.submit(task, *args) for task, args in tasks]
        reads = pool.map(_read_event_files, chunks)  # every chunk is submitted here
        yield [future.result for future in futures], (read for chunk in reads for read in chunk)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # not parse what nobody will read
        raise
    # Not waiting for the workers to exit (tearing down their gazetteer took a second).
    pool.shutdown(wait=False)


def _start_worker() -> None:
    """Pause the cyclic garbage collector, as the loader does (loader.py), and end with
    the loading process: a loader killed with SIGKILL left its workers blocked forever."""
    gc.disable()
    parent = multiprocessing.parent_process()
    if parent is not None:

        def exit_with_parent() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(1)

        threading.Thread(target=exit_with_parent, daemon=True).start()


def read_dataset(
    seeds_dir: Path,
    workers: int | None = None,
    known: Mapping[str, KeptFile] | None = None,
    on_events: Callable[[EventBatch], None] | None = None,
) -> tuple[Dataset, list[SeedProblem]]:
    """Parse and validate every seed file; return what is valid and every problem found.

    `workers`: processes reading event files (default: one per core, from
    PARALLEL_READ_FROM files on; 1 reads them in this process). `known`: seed files as
    earlier loads kept them (seeds/parsed.parsed_files); a file whose content digest is
    unchanged is not parsed, placed or encoded again. `on_events` is given each batch of
    valid, placed events as it is read, after the catalogues (a first load writes them).
    """
    seeds_dir = Path(seeds_dir)
    problems: list[SeedProblem] = []
    dataset = Dataset()
    if not seeds_dir.is_dir():
        return dataset, [SeedProblem(str(seeds_dir), None, "seeds folder does not exist")]
    known = known or {}

    events_dir = seeds_dir / EVENTS_DIR
    # In slug order (a valid file is named after its slug), as releases number records;
    # by a string key: comparing 100,000 Path objects took seconds.
    event_paths = sorted(events_dir.glob("*.yaml"), key=lambda path: path.stem)
    event_names = [f"{EVENTS_DIR}/{path.name}" for path in event_paths]
    # Every file is read (by the reading processes, when there are many) to compare its
    # digest with the one kept; only the files that differ are parsed.
    event_files = [
        (path, kept.digest if (kept := known.get(name)) else None)
        for path, name in zip(event_paths, event_names, strict=True)
    ]
    places = PlaceResolver(
        lambda event, path, reason: _problem(dataset, event, path, reason), dataset.known_places
    )
    place_problems: list[SeedProblem] = []
    encodings: dict[str, tuple] = {}  # of the batch's events, as the readers encoded them
    catalogs = {SOURCES_FILE: "sources", ACTORS_FILE: "actors", TAGS_FILE: "tags"}
    stale = [name for name in catalogs if not _unchanged(seeds_dir / name, known.get(name))]
    tasks = [(_parse_catalog, (seeds_dir / name, catalogs[name])) for name in stale]
    with _files_read(event_files, workers, tasks) as (catalog_reads, reads):
        parsed = dict(zip(stale, catalog_reads, strict=True))
        for name, key in catalogs.items():
            records = _read_catalog(
                seeds_dir / name, key, dataset, problems, known.get(name), parsed.get(name)
            )
            setattr(dataset, key, records)
        if not events_dir.is_dir():
            problems.append(SeedProblem(str(events_dir), None, "events folder does not exist"))
        batch: list[dict] = []
        for number, (path, name, read) in enumerate(
            zip(event_paths, event_names, reads, strict=True), 1
        ):
            if read is None:  # unchanged since an earlier load kept it
                kept = known[name]
                read = (json.loads(kept.record), [], None, kept, None)
                dataset.reused_files.add(name)
            event, file_problems, partial, kept, encoded = read
            problems.extend(file_problems)
            # Kept to locate cross-file problems; its content is re-read only if one is found.
            dataset.files[name] = SeedFile(path, None)
            if event is None:
                dataset.invalid_slugs.add(path.stem)
                if partial:
                    dataset.partial_events.append({**partial, "_file": name, "_path": ()})
            else:
                if kept is not None:
                    dataset.parsed_files[name] = kept
                if kept is not None and kept.encoded is not None:
                    (dataset.known_digests[("event", event["slug"])],) = json.loads(kept.encoded)
                    dataset.known_places[event["slug"]] = kept.place  # JSON: decoded if needed
                event["_file"], event["_path"] = name, ()
                dataset.events.append(event)
                batch.append(event)
                if encoded is not None:
                    encodings[event["slug"]] = encoded
                    if encoded[0] is not None:  # the gazetteer is then not needed here
                        dataset.known_places[event["slug"]] = encoded[0]
            if len(batch) >= READ_CHUNK or (batch and number == len(event_paths)):
                place_problems.extend(places.resolve(batch))
                for event in batch:
                    place, text, digest = encodings.pop(event["slug"], (False, None, None))
                    if place == places.by_slug.get(event["_place"]):  # placed alike
                        dataset.known_digests[("event", event["slug"])] = digest
                        dataset.known_texts[("event", event["slug"])] = text
                if on_events is not None:
                    clean = not problems and not place_problems
                    on_events(EventBatch(dataset, batch, places.by_slug, clean))
                batch = []

    problems.extend(check_references(dataset))
    dataset.places = places.places
    problems.extend(place_problems)
    return dataset, problems


def _problem(dataset: Dataset, record: dict, path: tuple, reason: str) -> SeedProblem:
    return dataset.files[record["_file"]].problem((*record["_path"], *path), reason)


def _check_unique(dataset: Dataset, records: list[dict], kind: str) -> list[SeedProblem]:
    counts = Counter(record["slug"] for record in records)
    return [
        _problem(dataset, record, ("slug",), f"duplicate {kind} slug {record['slug']!r}")
        for record in records
        if counts[record["slug"]] > 1
    ]


def _check_previous_slugs(dataset: Dataset, records: list[dict], kind: str) -> list[SeedProblem]:
    """A previous slug redirects to its record's slug, so it must not name a record in use,
    nor be claimed by two records."""
    problems = []
    in_use = {record["slug"] for record in records}
    claimed: dict[str, str] = {}
    for record in records:
        for index, old in enumerate(record.get("previous_slugs") or ()):
            if old in in_use:
                reason = (
                    "a record cannot be its own previous slug"
                    if old == record["slug"]
                    else f"previous slug {old!r} is still in use by another {kind}"
                )
                problems.append(_problem(dataset, record, ("previous_slugs", index), reason))
            elif old in claimed:
                problems.append(
                    _problem(
                        dataset,
                        record,
                        ("previous_slugs", index),
                        f"previous slug {old!r} is also claimed by {kind} {claimed[old]!r}",
                    )
                )
            else:
                claimed[old] = record["slug"]
    return problems


def _check_date(
    dataset: Dataset, record: dict, value_key: str, precision_key: str
) -> list[SeedProblem]:
    value, precision = record.get(value_key), record.get(precision_key)
    if value is None:
        if precision is not None:
            return [_problem(dataset, record, (precision_key,), f"is set but {value_key} is not")]
        return []
    try:
        parsed = parse_partial_date(value)
    except ValueError as error:
        return [_problem(dataset, record, (value_key,), str(error))]
    if precision is None:
        return [_problem(dataset, record, (precision_key,), f"is required when {value_key} is set")]
    if parsed.precision != precision:
        return [
            _problem(
                dataset,
                record,
                (value_key,),
                f"{value!r} is written to {parsed.precision} precision "
                f"but {precision_key} is {precision!r}",
            )
        ]
    return []


def references_resolve(
    event: dict, actors: Container[str], tags: Container[str], sources: Container[str]
) -> bool:
    """Whether a valid event's actors, tags and sources are all known (its relations aside)."""
    # Loops for actors and tags: asked of every event of a reload, where all() over
    # generators took a third longer.
    for link in event["actors"]:
        if link["actor"] not in actors:
            return False
    for tag in event["tags"]:
        if tag not in tags:
            return False
    return all(entry["source"] in sources for entry in (*event["citations"], *event["points"]))


def _entries(event: dict, name: str) -> list[tuple[int, dict]]:
    """(index, entry) of an event's list field; in a partly valid event (partial_events) an
    entry holds only the keys that validated, and an invalid entry may be missing."""
    entries = event.get(name) or []
    return [(i, entry) for i, entry in enumerate(entries) if isinstance(entry, dict)]


def check_references(dataset: Dataset) -> list[SeedProblem]:
    """Cross-file checks: unique slugs, dates against precision, references that resolve."""
    problems: list[SeedProblem] = []
    for records, kind in (
        (dataset.sources, "source"),
        (dataset.actors, "actor"),
        (dataset.tags, "tag"),
        (dataset.events, "event"),
    ):
        problems.extend(_check_unique(dataset, records, kind))
        problems.extend(_check_previous_slugs(dataset, records, kind))
    for source in dataset.sources:
        problems.extend(_check_date(dataset, source, "published", "published_precision"))

    known = dataset.invalid_slugs
    source_slugs = {source["slug"] for source in dataset.sources} | known
    actor_slugs = {actor["slug"] for actor in dataset.actors} | known
    tag_slugs = {tag["slug"] for tag in dataset.tags} | known
    event_slugs = {event["slug"] for event in dataset.events} | known
    # A partly valid event: only the fields that validated are there (see partial_events).
    for event in dataset.events + dataset.partial_events:
        if (
            event["_file"] in dataset.reused_files
            and references_resolve(event, actor_slugs, tag_slugs, source_slugs)
            and not {relation["target"] for relation in event["relations"]} - event_slugs
        ):
            # Its own checks passed when an earlier load kept it, with this code (the
            # file's digest covers it); what it names is checked above.
            continue
        problems.extend(_check_date(dataset, event, "date", "date_precision"))
        seen_roles = set()
        for index, link in _entries(event, "actors"):
            if "actor" in link and link["actor"] not in actor_slugs:
                problems.append(
                    _problem(
                        dataset,
                        event,
                        ("actors", index, "actor"),
                        f"unknown actor {link['actor']!r} (not in {ACTORS_FILE})",
                    )
                )
            role = (link.get("actor"), link.get("role"))
            if None not in role and role in seen_roles:
                problems.append(
                    _problem(dataset, event, ("actors", index), "same actor and role listed twice")
                )
            seen_roles.add(role)
        for index, tag in enumerate(event.get("tags", [])):
            if tag not in tag_slugs:
                problems.append(
                    _problem(
                        dataset, event, ("tags", index), f"unknown tag {tag!r} (not in {TAGS_FILE})"
                    )
                )
        if len(set(event.get("tags", []))) != len(event.get("tags", [])):
            problems.append(_problem(dataset, event, ("tags",), "a tag is listed twice"))
        cited = set()
        for index, citation in _entries(event, "citations"):
            if "source" in citation and citation["source"] not in source_slugs:
                problems.append(
                    _problem(
                        dataset,
                        event,
                        ("citations", index, "source"),
                        f"unknown source {citation['source']!r} (not in {SOURCES_FILE})",
                    )
                )
            if "source" in citation and citation["source"] in cited:
                problems.append(
                    _problem(
                        dataset,
                        event,
                        ("citations", index, "source"),
                        "source cited twice: put all its quotes in one citation",
                    )
                )
            cited.add(citation.get("source"))
        for index, point in _entries(event, "points"):
            if "source" in point and point["source"] not in source_slugs:
                problems.append(
                    _problem(
                        dataset,
                        event,
                        ("points", index, "source"),
                        f"unknown source {point['source']!r} (not in {SOURCES_FILE})",
                    )
                )
        seen_relations = set()
        for index, relation in _entries(event, "relations"):
            key = (relation.get("type"), relation.get("target"))
            if "target" in relation and relation["target"] == event.get("slug"):
                problems.append(
                    _problem(
                        dataset,
                        event,
                        ("relations", index, "target"),
                        "an event cannot relate to itself",
                    )
                )
            elif "target" in relation and relation["target"] not in event_slugs:
                problems.append(
                    _problem(
                        dataset,
                        event,
                        ("relations", index, "target"),
                        f"relation points to unknown event {relation['target']!r}",
                    )
                )
            if None not in key and key in seen_relations:
                problems.append(
                    _problem(dataset, event, ("relations", index), "same relation listed twice")
                )
            seen_relations.add(key)
    return problems
