"""Digests of code and data, for what must change when they change: the response cache's
ETags, the loader's kept seed files and its record of which code wrote the tables."""

import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def source_digest(paths: Iterable[Path], versions: Iterable[str] = ()) -> str:
    """A digest of files of this package (each named relative to it, so the checkout's
    location does not count) and of `versions` (e.g. "marshmallow==4.4.0")."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.resolve().relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    for version in versions:
        digest.update(version.encode() + b"\0")
    return digest.hexdigest()
