"""The `timeline-api` command: a thin shell over the library functions."""

import argparse
import os
import sys
from pathlib import Path

from timeline_api.config import Config

DEFAULT_SEEDS = "seeds"


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
    from timeline_api.database import bind_database
    from timeline_api.releases.cli import print_releases

    bind_database(Config.from_env().DATABASE_URL, role="command")
    return print_releases(args.limit)


def _history(args: argparse.Namespace) -> int:
    from timeline_api.database import bind_database
    from timeline_api.releases.cli import print_history

    bind_database(Config.from_env().DATABASE_URL, role="command")
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


def _serve(args: argparse.Namespace) -> int:
    """Replace this process with gunicorn, so signals reach it directly."""
    Config.from_env()  # fail fast, before forking workers, on invalid configuration
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:timeline_api.gunicorn_conf",
        "--bind",
        f"{host}:{port}",
        *args.gunicorn_args,
        "timeline_api.wsgi:app",
    ]
    os.execv(sys.executable, argv)
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timeline-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="serve the API with gunicorn (HOST, PORT); other options go to gunicorn"
    )
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="apply pending schema migrations")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed", help="load the seeds into DATABASE_URL")
    seed.add_argument("seeds", nargs="?", default=DEFAULT_SEEDS, type=Path)
    seed.add_argument(
        "--message", "-m", default=None, help="what changed, kept with the release it makes"
    )
    seed.set_defaults(handler=_seed)

    releases = commands.add_parser("releases", help="list the releases, newest first")
    releases.add_argument("--limit", type=int, default=20, help="how many (default 20; 0: all)")
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
    check.add_argument("seeds", nargs="?", default=DEFAULT_SEEDS, type=Path)
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
        return args.handler(args)
    except ValueError as error:  # invalid configuration
        print(f"timeline-api: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
