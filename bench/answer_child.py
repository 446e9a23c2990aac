"""The child process of `bench.compare_answers`: one code version, one database.

    python -m bench.answer_child load WORKDIR STEPS_JSON       # seeds -> WORKDIR/timeline.sqlite3
    python -m bench.answer_child request WORKDIR SPECS_JSON OUT_JSON

It runs with PYTHONPATH set to that version's snapshot (bench/appsource.py), so
`timeline_api` here is the version under test; nothing in this module imports it before
the clock is frozen. It only uses interfaces every version since the first has:
`bind_database`, `migrate_database`, `load_seeds`, `create_app` and `Config.from_env`.
"""

import base64
import datetime as dt
import inspect
import json
import os
import re
import sys
from pathlib import Path

DB_NAME = "timeline.sqlite3"
# Sent with every request, so the id the API echoes (X-Request-ID) is the same in both runs.
REQUEST_ID = "compare-answers"
_NEXT_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?next"?')


class _FrozenDateTime(dt.datetime):
    """`datetime.datetime` whose now() answers `frozen` while it is set.

    The loader reads the clock in one place, `datetime.datetime.now(UTC)`, for a release's
    time (and, before releases, the data's `loaded_at`). Every time the API shows (release
    times, `created_at`/`updated_at`, `Last-Modified`, feed and calendar stamps) derives from
    it, including whatever a version renders and stores at load time, so freezing it gives
    two loads by two versions the same times without knowing where each version keeps them.
    """

    __slots__ = ()  # the size of datetime.datetime, which C extensions check on import
    frozen: dt.datetime | None = None

    @classmethod
    def now(cls, tz=None):
        if cls.frozen is None:
            return super().now(tz)
        return cls.frozen.astimezone(tz) if tz else cls.frozen.replace(tzinfo=None)

    @classmethod
    def utcnow(cls):
        if cls.frozen is None:
            return super().utcnow()
        return cls.frozen.replace(tzinfo=None)


def _load(workdir: Path, steps: list[dict]) -> dict:
    """Load each step's seeds in turn, each under its own frozen time; then dump the
    version's OpenAPI document as its app serves it."""
    dt.datetime = _FrozenDateTime  # before timeline_api is imported: it reads dt.datetime
    from timeline_api.database import bind_database, migrate_database
    from timeline_api.seeds import load_seeds

    url = f"sqlite:///{workdir / DB_NAME}"
    bind_kwargs = (
        {"role": "command"} if "role" in inspect.signature(bind_database).parameters else {}
    )
    takes_message = "message" in inspect.signature(load_seeds).parameters
    db = bind_database(url, **bind_kwargs)
    migrate_database()
    loads = []
    for step in steps:
        _FrozenDateTime.frozen = dt.datetime.fromisoformat(step["time"])
        kwargs = {"message": step["message"]} if takes_message and step.get("message") else {}
        try:
            report = load_seeds(step["folder"], **kwargs)
        except Exception as error:  # a version that cannot read these seeds: say so, go on
            loads.append({"folder": step["name"], "error": f"{type(error).__name__}: {error}"})
            break
        finally:
            _FrozenDateTime.frozen = None
        loads.append({"folder": step["name"], "summary": report.summary()})
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    client = _app(workdir).test_client()
    answer = client.get("/api/v1/openapi.json")
    (workdir / "openapi.json").write_bytes(answer.get_data())
    import timeline_api

    return {"loads": loads, "timeline_api": str(Path(timeline_api.__file__).parent)}


def _app(workdir: Path):
    from timeline_api.app import create_app
    from timeline_api.config import Config

    environ = {"DATABASE_URL": f"sqlite:///{workdir / DB_NAME}", "LOG_LEVEL": "ERROR"}
    return create_app(Config.from_env(environ))


def _answer(response) -> dict:
    return {
        "status": response.status_code,
        "headers": [[name, value] for name, value in response.headers.items()],
        "body": base64.b64encode(response.get_data()).decode("ascii"),
    }


def _request(workdir: Path, specs: list[dict], out: Path) -> None:
    """Ask the version's app for every spec (through Flask's test client) and write what it
    answered, keyed by the spec's key (`key#2`, `key#3`… for pages followed)."""
    client = _app(workdir).test_client()
    answers = {}
    for spec in specs:
        headers = {"X-Request-ID": REQUEST_ID, **spec.get("headers", {})}
        response = client.get(spec["path"], headers=headers)
        if spec.get("conditional"):
            # The validator this version gave for the same request, sent back: a 304 if it
            # answers conditional requests.
            name, validator = spec["conditional"], None
            if name == "If-None-Match":
                validator = response.headers.get("ETag")
            elif name == "If-Modified-Since":
                validator = response.headers.get("Last-Modified")
            headers[name] = validator or "(none given)"
            response = client.get(spec["path"], headers=headers)
        answers[spec["key"]] = {"path": spec["path"], **_answer(response)}
        path = spec["path"]
        for page in range(2, spec.get("follow", 0) + 2):
            link = _NEXT_LINK.search(response.headers.get("Link", ""))
            if not link:
                break
            path = link.group(1).removeprefix("http://localhost")
            response = client.get(path, headers=headers)
            answers[f"{spec['key']}#{page}"] = {"path": path, **_answer(response)}
    out.write_text(json.dumps(answers))


def main(argv: list[str]) -> None:
    command, workdir = argv[0], Path(argv[1])
    # Past releases are read from snapshots built on first use: one folder per version.
    os.environ["SNAPSHOT_DIR"] = str(workdir / "snapshots")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    if command == "load":
        result = _load(workdir, json.loads(Path(argv[2]).read_text()))
        (workdir / "load.json").write_text(json.dumps(result))
    elif command == "request":
        _request(workdir, json.loads(Path(argv[2]).read_text()), Path(argv[3]))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
