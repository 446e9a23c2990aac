"""What one cache-missing request does inside the app: modules, functions, SQL, repeats.

    python -m bench.trace_request                      # the curated seeds, three requests
    python -m bench.trace_request --seeds bench/data/seeds-1000
    python -m bench.trace_request --database sqlite:///var/timeline.sqlite3 -v URL...

Builds the app as gunicorn's workers do (create_app with the default configuration, so the
response cache and its probe are in front), answers one request of the same kind first (so
that one-time work, such as imports and the code fingerprint, is not counted), then traces
the request with sys.setprofile through Flask's test client. Each URL is asked once, so the
response cache misses. It counts:

- the project modules and functions the request runs through (files of timeline_api/;
  comprehensions and generator expressions are not counted as functions);
- the SQL statements sent (every statement SQLite executes, the probe's included, not
  those FTS5 runs inside them; on PostgreSQL those peewee logs, which all go through it);
- how often the request parses the search query (search.query.parse_search), reads the
  data version (statements on datasetstate), reads releases (statements on release),
  and parses its query parameters (webargs' parse of the query string).

With -v it lists the SQL statements and the functions called more than once.
"""

import argparse
import logging
import re
import sqlite3
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = str(ROOT / "timeline_api") + "/"
CURATED_SEEDS = ROOT / "seeds"
COMPREHENSIONS = ("<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>")
DATA_VERSION_SQL = re.compile(r"\bdatasetstate\b", re.IGNORECASE)
RELEASE_SQL = re.compile(r'\bFROM\s+"?dataset_release\b', re.IGNORECASE)


@dataclass
class Trace:
    """What one request ran."""

    url: str
    status: int = 0
    calls: Counter = field(default_factory=Counter)  # (file, function) -> calls
    statements: list[str] = field(default_factory=list)

    @property
    def modules(self) -> set[str]:
        return {path for path, _ in self.calls}

    @property
    def functions(self) -> set[tuple[str, str]]:
        """Functions and methods (lambdas too), not comprehensions and generator expressions."""
        return {(path, name) for path, name in self.calls if not name.endswith(COMPREHENSIONS)}

    def called(self, path_suffix: str, function: str) -> int:
        return sum(
            n
            for (path, name), n in self.calls.items()
            if path.endswith(path_suffix) and name.rsplit(".", 1)[-1] == function
        )

    def figures(self) -> dict[str, int]:
        return {
            "project modules": len(self.modules),
            "project functions": len(self.functions),
            "SQL statements": len(self.statements),
            "search query parses": self.called("search/query.py", "parse_search"),
            "data version reads": sum(bool(DATA_VERSION_SQL.search(s)) for s in self.statements),
            "release reads": sum(bool(RELEASE_SQL.search(s)) for s in self.statements),
            "query-string parses": self.called("api/__init__.py", "load_querystring"),
        }


class Tracer:
    """Collects project calls (sys.setprofile) and SQL statements while switched on."""

    def __init__(self, engine: str):
        self.engine = engine
        self.trace: Trace | None = None

    def install(self) -> None:
        """Before the app opens any connection: every SQLite connection reports what it runs;
        peewee's log gives PostgreSQL's."""
        connect = sqlite3.connect

        def traced_connect(*args, **kwargs):
            connection = connect(*args, **kwargs)
            connection.set_trace_callback(self._sqlite_statement)
            return connection

        sqlite3.connect = traced_connect
        logger = logging.getLogger("peewee")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(_Handler(self))
        logger.propagate = False

    def _sqlite_statement(self, sql: str) -> None:
        # "-- ..." are the statements a virtual table (FTS5) runs inside one of ours.
        if self.trace is not None and self.engine == "sqlite" and not sql.startswith("--"):
            self.trace.statements.append(sql)

    def peewee_statement(self, sql: str) -> None:
        if self.trace is not None and self.engine != "sqlite":
            self.trace.statements.append(sql)

    def _profile(self, frame, event, arg) -> None:
        if event == "call":
            code = frame.f_code
            if code.co_filename.startswith(PACKAGE):
                self.trace.calls[(code.co_filename[len(PACKAGE) :], code.co_qualname)] += 1

    def run(self, client, url: str) -> Trace:
        self.trace = Trace(url)
        sys.setprofile(self._profile)
        try:
            response = client.get(url)
        finally:
            sys.setprofile(None)
        trace, self.trace = self.trace, None
        trace.status = response.status_code
        return trace


class _Handler(logging.Handler):
    def __init__(self, tracer: Tracer):
        super().__init__(logging.DEBUG)
        self.tracer = tracer

    def emit(self, record: logging.LogRecord) -> None:
        sql = record.msg[0] if isinstance(record.msg, tuple) else str(record.msg)
        self.tracer.peewee_statement(sql)


def _load(seeds: Path) -> str:
    """A temporary SQLite database holding `seeds`; its URL."""
    from timeline_api.database import bind_database, migrate_database, release_database
    from timeline_api.seeds import load_seeds

    url = f"sqlite:///{tempfile.mkdtemp(prefix='trace-request-')}/timeline.sqlite3"
    bind_database(url, role="command")
    migrate_database()
    load_seeds(seeds)
    release_database()
    return url


def default_requests(client) -> list[tuple[str, str]]:
    """(warm-up URL, traced URL) pairs: a filtered search, a detail, facets; from the data."""
    events = client.get("/api/v1/events?limit=100").get_json()["items"]
    tagged = [event for event in events if event["tags"]]
    tag = tagged[0]["tags"][0]["slug"]
    word = _word(tagged[0]["title"])
    other = _word(events[-1]["title"])
    return [
        (f"/api/v1/events?q={other}&sort=date", f"/api/v1/events?q={word}&tag={tag}&sort=-date"),
        (f"/api/v1/events/{events[-1]['slug']}", f"/api/v1/events/{events[0]['slug']}"),
        (f"/api/v1/events/facets?q={other}", f"/api/v1/events/facets?q={word}&tag={tag}"),
    ]


def _word(title: str) -> str:
    words = [w.strip(",.:;'\"()").lower() for w in title.split()]
    return max(words, key=len)


def trace_requests(database_url: str, urls: list[str] | None = None) -> list[Trace]:
    """Trace each URL (or the default three) once, each after a warm-up of its kind."""
    tracer = Tracer("sqlite" if database_url.startswith("sqlite") else "postgresql")
    tracer.install()
    from timeline_api.app import create_app
    from timeline_api.config import Config

    app = create_app(Config(DATABASE_URL=database_url, LOG_LEVEL="WARNING"))
    client = app.test_client()
    pairs = [(url, url) for url in urls] if urls else default_requests(client)
    traces = []
    for warm_up, url in pairs:
        client.get(warm_up)
        if warm_up == url:  # the same URL would now be a cache hit: drop what it kept
            for name in ("response_cache", "timeline_api.counts"):
                cache = app.extensions.get(name)
                if cache is not None:
                    getattr(cache, "cache", cache)._entries.clear()
        traces.append(tracer.run(client, url))
    return traces


def report(traces: list[Trace], verbose: bool) -> str:
    lines = []
    for trace in traces:
        lines.append(f"GET {trace.url}  -> {trace.status}")
        for name, value in trace.figures().items():
            lines.append(f"  {value:5d}  {name}")
        if verbose:
            lines.append("  modules: " + ", ".join(sorted(trace.modules)))
            lines.append("  SQL:")
            lines += [f"    {' '.join(sql.split())[:160]}" for sql in trace.statements]
            lines.append("  called more than once:")
            lines += [
                f"    {n:4d}  {path}:{name}"
                for (path, name), n in trace.calls.most_common()
                if n > 1
            ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls", nargs="*", help="paths to trace (default: three of them)")
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite)")
    parser.add_argument("--seeds", type=Path, default=CURATED_SEEDS, help="seeds to load")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    database_url = args.database or _load(args.seeds)
    print(report(trace_requests(database_url, args.urls), args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
