"""The `timeline-api` command: a thin shell over the library functions."""

import argparse
import errno
import os
import signal
import socket
import sys
from importlib import metadata
from pathlib import Path

from timeline_api.config import Config

DEFAULT_SEEDS = "seeds"
SERVE_HELP = """Settings come from the environment, each checked before gunicorn starts:
  HOST, PORT                 where to listen (default 127.0.0.1:8000)
  WEB_CONCURRENCY            worker processes (default: min(4, 2 x cores))
  GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_KEEPALIVE
  DATABASE_URL               the seeded database (run `timeline-api seed` first)
  LOG_LEVEL, LOG_FORMAT      logs: text on a terminal, JSON lines otherwise
and the others listed in the README's Configuration section.

Any other option is passed to gunicorn as is, e.g.
  timeline-api serve --workers 3 --timeout 60
"""


def _version() -> str:
    try:
        return metadata.version("timeline-api")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _seed(args: argparse.Namespace) -> int:
    from timeline_api.database import bind_database, migrate_database
    from timeline_api.seeds import SeedError, load_seeds

    config = Config.from_env()
    bind_database(config.DATABASE_URL, role="command")
    migrate_database()  # idempotent: seeding a fresh database just works
    try:
        report = load_seeds(args.seeds, message=args.message)
    except SeedError as error:
        print(f"Seeds not loaded; the database is unchanged.\n{error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _releases(args: argparse.Namespace) -> int:
    from timeline_api.releases.cli import print_releases

    _bind_loaded_database()
    return print_releases(None if args.all else args.limit)


def _release_count(text: str) -> int:
    """--limit: at least 1 (0 and negative numbers once listed every release; --all says so)."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(
            "must be a whole number of 1 or more (--all lists every release)"
        )
    return count


def _history(args: argparse.Namespace) -> int:
    from timeline_api.releases.cli import print_history

    _bind_loaded_database()
    return print_history(args.kind, args.slug)


def _migrate(args: argparse.Namespace) -> int:
    from timeline_api.database import bind_database, migrate_database

    bind_database(Config.from_env().DATABASE_URL, role="command")
    applied = migrate_database()
    print("Applied: " + ", ".join(applied) if applied else "The schema is up to date.")
    return 0


def _check_seeds(args: argparse.Namespace) -> int:
    from timeline_api.seeds import check_seeds

    problems = check_seeds(args.seeds, args.articles)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("Seeds are valid." + (" Every quote is verbatim." if args.articles else ""))
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from timeline_api.openapi import build_openapi_document, render_openapi_document

    text = render_openapi_document(build_openapi_document())
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


def _check_port_is_free(host: str, port: int) -> None:
    """Say which setting to change when the address is taken, instead of gunicorn retrying
    and then failing with a bare "Connection in use"."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ValueError(f"HOST {host!r} is not an address to listen on ({error}).") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ValueError(
                    f"PORT {port} on {host} is already in use (another server is listening "
                    f"there): stop it, or set PORT to a free port, e.g. PORT={port + 1}."
                ) from None
            raise ValueError(f"Cannot listen on HOST {host}, PORT {port}: {error}.") from None


def _check_database_is_there(database_url: str) -> None:
    """A SQLite file that does not exist would be created empty, and every request would
    fail: say what to do instead."""
    from timeline_api.data_version import sqlite_file_path

    path = sqlite_file_path(database_url) if database_url.startswith("sqlite") else None
    if path and path != ":memory:" and not Path(path).exists():
        raise ValueError(
            f"DATABASE_URL names {path}, which does not exist: run `timeline-api seed` "
            "to create and load it first."
        )


def _bind_loaded_database() -> None:
    """For commands that read releases: a missing file or one without the timeline's
    tables is a one-line error saying to seed, not a traceback (nor a new empty file)."""
    from timeline_api.database import bind_database
    from timeline_api.models import Release

    database_url = Config.from_env().DATABASE_URL
    _check_database_is_there(database_url)
    db = bind_database(database_url, role="command")
    if not db.table_exists(Release._meta.table_name):
        raise ValueError(
            "The database DATABASE_URL names holds no timeline yet: run `timeline-api seed` "
            "to load it first."
        )


def _serve(args: argparse.Namespace) -> int:
    """Replace this process with gunicorn, so signals reach it directly."""
    # Fail fast, before forking workers, naming the setting to fix.
    config = Config.from_env()
    _check_database_is_there(config.DATABASE_URL)
    _check_port_is_free(config.HOST, config.PORT)
    host = f"[{config.HOST}]" if ":" in config.HOST else config.HOST
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:timeline_api.gunicorn_conf",
        "--bind",
        f"{host}:{config.PORT}",
        *args.gunicorn_args,
        "timeline_api.wsgi:app",
    ]
    os.execv(sys.executable, argv)
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timeline-api", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve the API with gunicorn (HOST, PORT); other options go to gunicorn",
        description="Serve the API with gunicorn (never a development server).",
        epilog=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [gunicorn options...]",
    )
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="apply pending schema migrations")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser(
        "seed",
        help="load the seeds into DATABASE_URL",
        description="Apply migrations, validate the seeds, then make the database at "
        "DATABASE_URL match them in one transaction (on any problem, nothing changes).",
    )
    seed.add_argument(
        "seeds",
        nargs="?",
        default=DEFAULT_SEEDS,
        type=Path,
        metavar="SEEDS",
        help=f"the seeds folder: sources.yaml, actors.yaml, tags.yaml, events/ "
        f"(default: {DEFAULT_SEEDS})",
    )
    seed.add_argument(
        "--message", "-m", default=None, help="what changed, kept with the release it makes"
    )
    seed.set_defaults(handler=_seed)

    releases = commands.add_parser("releases", help="list the releases, newest first")
    shown = releases.add_mutually_exclusive_group()
    shown.add_argument("--limit", type=_release_count, default=20, help="how many (default 20)")
    shown.add_argument("--all", action="store_true", help="every release")
    releases.set_defaults(handler=_releases)

    history = commands.add_parser("history", help="print every revision of one record")
    history.add_argument("slug")
    history.add_argument(
        "--kind",
        choices=["event", "source", "actor", "tag"],
        default="event",
        help="default: event",
    )
    history.set_defaults(handler=_history)

    check = commands.add_parser("check-seeds", help="validate the seeds, report every problem")
    check.add_argument(
        "seeds",
        nargs="?",
        default=DEFAULT_SEEDS,
        type=Path,
        metavar="SEEDS",
        help=f"the seeds folder (default: {DEFAULT_SEEDS})",
    )
    check.add_argument(
        "--articles",
        type=Path,
        default=None,
        help="folder of source articles: also check every quote is verbatim",
    )
    check.set_defaults(handler=_check_seeds)

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("output", nargs="?", default="-", help="file to write (default: stdout)")
    openapi.set_defaults(handler=_openapi)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # `serve --workers 3 --timeout 60`: options this parser does not know are gunicorn's.
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "serve":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.gunicorn_args = extra
    try:
        status = args.handler(args)
        sys.stdout.flush()  # a reader gone away shows here, not in Python's flush at exit
        return status
    except ValueError as error:  # invalid configuration
        print(f"timeline-api: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `timeline-api releases | head -1`: the reader has what it wanted. No traceback;
        # the status a shell gives a command SIGPIPE ended; output from now on goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
