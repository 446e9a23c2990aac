"""Past releases as databases of their own, so `as_of` runs the very queries of the present.

A release is immutable, so the tables it showed can be built once from the revisions kept
and reused: a SQLite file per release (in the temporary folder, shared by the workers of
a host, built under a temporary name and renamed into place, so a reader never sees half
of one), written by the loader's own code. While a request reads a past release, its
thread's queries go to that file (models.SwitchableDatabaseProxy); the current release is
read from the database itself. The files can be deleted at any time: they are made again
when asked for.

A large release takes a while to build (tens of seconds at 100,000 events), longer than a
worker may spend on a request: the build runs in a thread of its own, the request waits
for it up to BUILD_WAIT_SECONDS, and otherwise is told to come back (SnapshotNotReady,
a 503 with Retry-After), while the build goes on.
"""

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path

from peewee import SqliteDatabase, fn

from timeline_api.models import ALL_MODELS, DatasetState, Release, Revision, database
from timeline_api.releases.records import KINDS, PLURALS, iso, release_version, stored_content

OPEN_SNAPSHOTS = 8  # per process; files stay on disk for the next time
SNAPSHOT_DIR_NAME = "timeline-api-snapshots"
BUILD_WAIT_SECONDS = 10.0
_open: OrderedDict[str, SqliteDatabase] = OrderedDict()
_building: dict[str, Future] = {}
_lock = threading.Lock()
_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-builder")


class SnapshotNotReady(Exception):
    """The release's snapshot is still being built; ask again in a few seconds."""


def snapshot_dir() -> Path:
    return Path(os.environ.get("SNAPSHOT_DIR") or Path(tempfile.gettempdir()) / SNAPSHOT_DIR_NAME)


def _identity(release: Release) -> str:
    """Names the file: this database's releases up to this one (a database rebuilt from
    scratch has other release times, so it never reuses another's files)."""
    history = Release.select(Release.number, Release.created_at, Release.data_version).where(
        Release.number <= release.number
    )
    text = repr([tuple(map(str, row)) for row in history.order_by(Release.number).tuples()])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def records_at(number: int) -> tuple[dict[str, list[dict]], dict[str, tuple]]:
    """({kind: seed records}, {event slug: (created_at, updated_at, revision)}) at a release."""
    times = dict(Release.select(Release.number, Release.created_at).tuples())
    latest_ids = (
        Revision.select(fn.MAX(Revision.id))
        .where(Revision.release <= number)
        .group_by(Revision.record)
    )
    first_release = dict(
        Revision.select(Revision.record, fn.MIN(Revision.release))
        .where(Revision.release <= number)
        .group_by(Revision.record)
        .tuples()
    )
    records: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    meta = {}
    for record, kind, release, revision, content in (
        Revision.select(
            Revision.record, Revision.kind, Revision.release, Revision.number, Revision.content
        )
        .where(Revision.id.in_(latest_ids) & (Revision.change != "deleted"))
        .tuples()
    ):
        item = stored_content(kind, content)
        records[kind].append(item)
        if kind == "event":
            meta[item["slug"]] = (iso(times[first_release[record]]), iso(times[release]), revision)
    return records, meta


def _build(path: Path, release: Release) -> None:
    from timeline_api.seeds.dataset import Dataset
    from timeline_api.seeds.sync import LoadReport, sync_tables

    with database.connection_context():  # this thread's own connection, closed after
        records, meta = records_at(release.number)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.unlink(missing_ok=True)
    snapshot = SqliteDatabase(str(partial))
    previous = database.override(snapshot)
    try:
        with snapshot.connection_context():
            snapshot.create_tables(ALL_MODELS)
            with snapshot.atomic():
                dataset = Dataset(**{PLURALS[kind]: records[kind] for kind in KINDS})
                places = {}
                for event in dataset.events:  # each event kept its resolved place
                    location = event.pop("location", None)
                    if location is not None:
                        places[location["slug"]] = location
                        event["_place"] = location["slug"]
                dataset.places = list(places.values())
                sync_tables(dataset, meta, LoadReport())
                DatasetState.create(
                    id=1,
                    version=release_version(release.number, release.data_version),
                    loaded_at=release.created_at,
                    event_count=release.event_count,
                    release=release.number,
                )
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)  # else every failed try would leave one behind
        raise
    finally:
        database.override(previous)


def snapshot_database(release: Release) -> SqliteDatabase:
    """An open, read-only database holding the tables as `release` left them; raises
    SnapshotNotReady when it is still being built after BUILD_WAIT_SECONDS."""
    key = _identity(release)
    path = snapshot_dir() / f"release-{release.number}-{key}.sqlite3"
    with _lock:
        if key in _open:
            _open.move_to_end(key)
            return _open[key]
        building = _building.get(key)
        if building is None and not path.exists():
            building = _building[key] = _builder.submit(_build, path, release)
    if building is not None:
        try:
            building.result(timeout=BUILD_WAIT_SECONDS)
        except FutureTimeout:
            raise SnapshotNotReady(release.number) from None
        finally:
            with _lock:
                if building.done() and _building.get(key) is building:
                    del _building[key]  # a failed build is tried again next time
    with _lock:
        if key not in _open:
            _open[key] = SqliteDatabase(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            while len(_open) > OPEN_SNAPSHOTS:
                _, oldest = _open.popitem(last=False)
                oldest.close()
        _open.move_to_end(key)
        return _open[key]


@contextmanager
def reading(snapshot: SqliteDatabase) -> Iterator[None]:
    """Point this thread's queries at a snapshot for the duration."""
    previous = database.override(snapshot)
    try:
        yield
    finally:
        database.override(previous)
