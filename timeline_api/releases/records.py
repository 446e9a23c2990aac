"""A record's content as releases keep it: one canonical JSON form per seed record.

The loader, the migration that made an existing database release 1 and the snapshots of
past releases all go through `canonical`, so the same seeds always give the same content
and digest (a reload is a no-op whatever order tags or relations were written in).
"""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping

# Kinds of records, in the order a release lists them (an event refers to the others).
KINDS = ("source", "actor", "tag", "event")
PLURALS = {"source": "sources", "actor": "actors", "tag": "tags", "event": "events"}
CHANGES = ("created", "updated", "deleted", "renamed")
NOT_CONTENT = ("previous_slugs",)  # how a record was renamed, kept in its revision instead
# Fields the record format gained after releases began, and what a revision stored without
# one means: revisions are never rewritten, so every reader fills these in (stored_content);
# a field the records gain later belongs here too.
LATER_FIELDS: dict[str, dict[str, object]] = {
    "source": {"article_sha256": None, "article_checked": None},  # migration 0005
    "event": {"location": None, "coordinates": None},  # migration 0004
}


def canonical(kind: str, record: dict) -> dict:
    """The record's public content with list order fixed where the order carries no meaning."""
    content = {
        key: value
        for key, value in record.items()
        if not key.startswith("_") and key not in NOT_CONTENT
    }
    if kind == "event":
        content["tags"] = sorted(content.get("tags") or [])
        content["relations"] = sorted(
            content.get("relations") or [], key=lambda r: (r["target"], r["type"])
        )
    return content


def stored_content(kind: str, text: str) -> dict:
    """A revision's stored content as a record of today's format (LATER_FIELDS filled in)."""
    return {**LATER_FIELDS.get(kind, {}), **json.loads(text)}


def encode(content: dict) -> str:
    """Deterministic JSON text of `content` (sorted keys, no spaces)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class EncodedRecord:
    """A seed record with its canonical JSON text's digest. The text is kept when it was
    made (here, or with the digest by a process reading seed files); when the digest came
    from an earlier load (seeds/parsed.py) the text is made only if asked for, i.e. for a
    record that changed."""

    __slots__ = ("_text", "digest", "kind", "record", "slug")

    def __init__(
        self,
        kind: str,
        record: dict,
        known_digest: str | None = None,
        known_text: str | None = None,
    ):
        self.kind, self.record, self.slug = kind, record, record["slug"]
        self._text = known_text if known_digest is not None else None
        if known_digest is None:
            self._text = encode(canonical(kind, record))
            known_digest = digest(self._text)
        self.digest = known_digest

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = encode(canonical(self.kind, self.record))
        return self._text


def encode_records(
    records: dict[str, list[dict]],
    known_digests: Mapping[tuple[str, str], str] | None = None,
    known_texts: Mapping[tuple[str, str], str] | None = None,
) -> dict[str, list[EncodedRecord]]:
    """{kind: records} -> {kind: encoded records}, in slug order. `known_digests`:
    {(kind, slug): digest} of records whose content was encoded already (by an earlier
    load, or by a reading process: then `known_texts` holds the text too)."""
    known_digests, known_texts = known_digests or {}, known_texts or {}
    return {
        kind: sorted(
            (
                EncodedRecord(
                    kind,
                    record,
                    known_digests.get((kind, record["slug"])),
                    known_texts.get((kind, record["slug"])),
                )
                for record in kind_records
            ),
            key=lambda item: item.slug,
        )
        for kind, kind_records in records.items()
    }


def content_version(encoded: dict[str, list[EncodedRecord]]) -> str:
    """A digest of every record's content: the same seeds give the same one."""
    whole = hashlib.sha256()
    for kind in KINDS:
        for item in encoded.get(kind, ()):
            whole.update(f"{kind}\0{item.slug}\0{item.digest}\n".encode())
    return whole.hexdigest()


def release_version(number: int, data_version: str) -> str:
    """The data version the caches key on: a release differs from every other release even
    when its content equals an earlier one's (A, B, A again), since created_at, updated_at
    and revisions differ."""
    return digest(f"{number}:{data_version}")


def iso(moment: dt.datetime) -> str:
    """A stored (naive UTC) time as ISO 8601 text with its offset, as the API shows it."""
    return utc(moment).isoformat()


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time as an aware one."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
