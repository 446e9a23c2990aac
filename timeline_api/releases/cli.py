"""What `timeline-api releases` and `timeline-api history SLUG` print."""

import json
import sys

from timeline_api.models import Release
from timeline_api.releases.lookup import history, record_of, what_became_of
from timeline_api.releases.records import KINDS, PLURALS, utc


def _counts(counts: dict) -> str:
    parts = []
    for kind in KINDS:
        done = [f"{n} {change}" for change, n in counts[kind].items() if n]
        if done:
            parts.append(f"{PLURALS[kind]} " + ", ".join(done))
    return "; ".join(parts)


def print_releases(limit: int | None) -> int:
    """The newest `limit` releases (None: all of them)."""
    query = Release.select().order_by(Release.number.desc())
    if limit is not None:
        query = query.limit(limit)
    releases = list(query)
    if not releases:
        print("No releases yet: load the seeds (timeline-api seed).")
        return 0
    for release in releases:
        print(
            f"{release.number:>4}  {utc(release.created_at).isoformat()}  "
            f"{release.event_count} events  {_counts(json.loads(release.counts))}"
        )
        if release.message:
            print(f"      {release.message}")
    return 0


def _value(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."


def print_history(kind: str, slug: str) -> int:
    record = record_of(kind, slug)
    if record is None:
        missing = what_became_of(kind, slug)
        if missing is not None and missing.moved_to:
            print(f"{kind} {slug!r} was renamed to {missing.moved_to!r}.", file=sys.stderr)
            record = record_of(kind, missing.moved_to)
        if record is None:
            others = [other for other in KINDS if other != kind and record_of(other, slug)]
            hint = "".join(f" --kind {other} finds one." for other in others)
            print(f"No {kind} {slug!r} in any release.{hint}", file=sys.stderr)
            return 1
    state = (
        "current"
        if record.deleted_release is None
        else f"removed in release {record.deleted_release}"
    )
    print(f"{kind} {record.slug} ({state})")
    for entry in history(record):
        renamed = f" from {entry['previous_slug']}" if entry["previous_slug"] else ""
        print(
            f"  revision {entry['revision']}  release {entry['release']}  "
            f"{entry['released_at'].isoformat()}  {entry['change']}{renamed}"
        )
        for change in entry["fields"] if entry["change"] != "created" else []:
            print(f"    {change['field']}:")
            print(f"      - {_value(change['old'])}")
            print(f"      + {_value(change['new'])}")
    return 0
