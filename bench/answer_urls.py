"""Which requests `bench.compare_answers` makes: every GET path of the OpenAPI documents of
both versions, its path parameters filled from the loaded data, with query, header and
error variants.

A request is a spec: {"key", "template", "path", "headers", "conditional", "follow"}. The
key names it in both versions' answers; `conditional` asks the child to send back the
validator the same request got (If-None-Match: its ETag); `follow` how many `next` pages
(the `Link` header) to follow after it.
"""

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

# Not in the OpenAPI document, but answers all the same.
EXTRA_PATHS = ["/api/v1/openapi.json", "/api/v1/docs"]
ACCEPTS = [
    "application/json",
    "*/*",
    "text/csv",
    "text/calendar",
    "application/ld+json",
    "application/atom+xml",
    "text/html",
    "application/xml",
]
ENCODINGS = ["gzip", "br", "deflate", "*", "gzip;q=0, identity", "br;q=0.5, gzip"]
CONDITIONALS = ["If-None-Match", "If-Modified-Since"]
_PARAMETER = re.compile(r"\{([^}]+)\}")


@dataclass
class Data:
    """What the loaded database holds, to fill parameters with."""

    slugs: dict[str, list[str]]  # {"events": [...], "actors": [...], ...}
    years: list[str]
    countries: list[str]
    releases: list[int]
    release_times: list[str]  # ISO 8601, between releases, for as_of
    search_words: list[str]
    removed: dict[str, list[str]] = field(default_factory=dict)  # {"events": [slug]}
    renamed: dict[str, list[str]] = field(default_factory=dict)  # old slugs


def read_data(
    db_paths: list[Path], search_words: list[str], release_times: list[str], sample: int | None
) -> Data:
    """The union of what the databases hold (both versions loaded the same seeds); at most
    `sample` slugs of each kind, spread over the list, when given."""
    slugs: dict[str, set[str]] = {}
    years, countries, releases = set(), set(), set()
    for path in db_paths:
        if not path.is_file():
            continue
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            for table in ("event", "actor", "tag", "source"):
                if table in tables:
                    rows = db.execute(f'SELECT slug FROM "{table}"')
                    slugs.setdefault(table + "s", set()).update(row[0] for row in rows)
            if "event" in tables:
                years.update(r[0] for r in db.execute("SELECT substr(date, 1, 4) FROM event"))
                countries.update(
                    r[0] for r in db.execute("SELECT country FROM event") if r[0] is not None
                )
            if "release" in tables:
                releases.update(r[0] for r in db.execute('SELECT number FROM "release"'))
        finally:
            db.close()
    chosen = {kind: _spread(sorted(values), sample) for kind, values in slugs.items()}
    return Data(
        slugs=chosen,
        years=_spread(sorted(years), 3),
        countries=_spread(sorted(countries), 2),
        releases=sorted(releases),
        release_times=release_times,
        search_words=search_words,
    )


def _spread(values: list, count: int | None) -> list:
    """`count` values spread evenly over `values` (all of them when count is None)."""
    if count is None or len(values) <= count:
        return values
    step = len(values) / count
    return [values[int(i * step)] for i in range(count)]


def _query_values(name: str, schema: dict, data: Data) -> list[str]:
    """Values to try for query parameter `name`, valid ones first, then a bad one."""
    enum = schema.get("enum") or (schema.get("items") or {}).get("enum")
    if name in ("tag", "actor", "source"):
        return [*data.slugs.get(name + "s", [])[:2], "no-such-slug"]
    if name == "q":
        return [*data.search_words, '"unbalanced']
    if name in ("from", "to"):
        return ["2020", "2020-09", "2020-09-15", "2020-13"]
    if name == "year":
        return [*data.years, "20x0"]
    if name == "country":
        return [*data.countries, "zz1"]
    if name == "as_of":
        numbers = [str(n) for n in data.releases]
        return [*numbers, *data.release_times, "0", "2999-01-01"]
    if name == "limit":
        return ["1", "100", "0", "101"]
    if name in ("cursor", "since"):
        return ["not-a-cursor"]
    if name == "fields":
        return ["slug,title", "slug,date,actors,place", "no-such-field"]
    if name == "facet_size":
        return ["1", "3", "0"]
    if enum:
        return [*enum, "no-such-value"]
    return ["1", "x"] if schema.get("type") == "integer" else ["x"]


# Filters that read better together: each pair is one request.
COMBINATIONS = [
    ("year", "type"),
    ("q", "sort"),
    ("from", "to"),
    ("tag", "tag"),
    ("type", "country"),
]


def _fill(template: str, data: Data, extra: str | None = None) -> list[str]:
    """Every path `template` names for the data (one per slug or release number; other
    path parameters, enumerations, are filled by the caller)."""
    names = [name for name in _PARAMETER.findall(template) if name in ("slug", "number")]
    paths = [template]
    for name in names:
        values = _path_values(template, name, data, extra)
        paths = [p.replace("{" + name + "}", quote(str(v), safe="")) for p in paths for v in values]
    return paths


def _path_values(template: str, name: str, data: Data, extra: str | None) -> list:
    if name == "slug":
        kind = template.split("/{slug}")[0].rsplit("/", 1)[-1]
        if extra == "missing":
            return ["no-such-slug"]
        if extra in ("removed", "renamed"):
            return getattr(data, extra).get(kind, [])
        return data.slugs.get(kind, [])
    if name == "number":
        if extra == "missing":
            return [max(data.releases, default=0) + 100, "x"]
        return data.releases
    raise ValueError(name)


def specs_for(documents: list[dict], data: Data, thorough: bool) -> list[dict]:
    """Every request to make, for the union of the documents' GET paths (sorted, so both
    versions and every run see the same list). `thorough`: the query variants on every
    representation of a path (each export format), not only the first."""
    operations: dict[str, dict[str, dict]] = {}  # template -> {param name: schema}
    for document in documents:
        for template, item in (document.get("paths") or {}).items():
            if "get" not in item:
                continue
            params = operations.setdefault(template, {})
            for parameter in [*item.get("parameters", []), *item["get"].get("parameters", [])]:
                if "$ref" in parameter or parameter.get("in") not in ("query", "path"):
                    continue
                params.setdefault(parameter["name"], (parameter["in"], parameter.get("schema", {})))
    specs: dict[str, dict] = {}

    def add(template, path, headers=None, conditional=None, follow=0):
        headers = headers or {}
        key = path + "".join(f" [{k}: {v}]" for k, v in headers.items())
        key += f" [{conditional}: (its own validator)]" if conditional else ""
        specs[key] = {
            "key": key,
            "template": template,
            "path": path,
            "headers": headers,
            "conditional": conditional,
            "follow": follow,
        }

    for template in sorted(operations):
        params = operations[template]
        enums = {
            name: schema.get("enum") or [None]
            for name, (where, schema) in params.items()
            if where == "path" and name not in ("slug", "number")
        }

        def filled(extra=None, first_only=False, template=template, enums=enums):
            paths = _fill(template, data, extra)
            if first_only:
                paths = paths[:1]
            for name, values in enums.items():
                paths = [p.replace("{" + name + "}", str(v)) for p in paths for v in values]
            return paths

        paths = filled()
        if not paths:
            continue
        for path in paths:
            add(template, path)
        # One path per representation (per extension, per table): its query and header
        # variants; on a large dataset, the query variants on the first alone.
        heads = filled(first_only=True)
        query = {name: schema for name, (where, schema) in params.items() if where == "query"}
        for head in heads if thorough else heads[:1]:
            for name, schema in query.items():
                for value in _query_values(name, schema, data):
                    add(template, f"{head}?{urlencode({name: value})}")
            for one, two in COMBINATIONS:
                if one in query and two in query:
                    a = _query_values(one, query[one], data)[0]
                    b = _query_values(two, query[two], data)[1 if one == two else 0]
                    add(template, f"{head}?{urlencode([(one, a), (two, b)])}")
            if "limit" in query and ("cursor" in query or "since" in query):
                add(template, f"{head}?limit=2", follow=3)
        for head in heads:
            for accept in ACCEPTS:
                add(template, head, {"Accept": accept})
            for encoding in ENCODINGS:
                add(template, head, {"Accept-Encoding": encoding})
            for conditional in CONDITIONALS:
                add(template, head, conditional=conditional)
        # Errors: an unknown record, and removed (410) or renamed (308) ones where the data
        # has them; a trailing slash (308 to the path without it).
        if "{slug}" in template or "{number}" in template:
            for extra in ("missing", "removed", "renamed"):
                for path in filled(extra):
                    add(template, path)
        add(template, heads[0] + "/")
    for path in EXTRA_PATHS:
        add(path, path)
        add(path, path, {"Accept-Encoding": "gzip"})
        add(path, path, conditional="If-None-Match")
    add("(none)", "/api/v1/no-such-resource")
    return list(specs.values())
