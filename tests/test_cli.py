"""The timeline-api command: thin wrappers that exit non-zero with a clear message."""

import json
import os
import socket
import subprocess
import sys

import pytest
import yaml

from tests.conftest import FIXTURE_ARTICLES, FIXTURE_SEEDS
from tests.support import REPO_ROOT
from timeline_api.cli import main


def test_seed_then_reseed(monkeypatch, database_url, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["seed", str(FIXTURE_SEEDS)]) == 0
    assert "created" in capsys.readouterr().out
    assert main(["seed", str(FIXTURE_SEEDS)]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_bad_seed_exits_non_zero_and_names_the_problem(
    monkeypatch, database_url, seeds_copy, capsys
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    path = seeds_copy / "events" / "alpha-plan.yaml"
    data = yaml.safe_load(path.read_text())
    data["date"] = "2021-02-30"
    path.write_text(yaml.safe_dump(data))
    assert main(["seed", str(seeds_copy)]) == 1
    err = capsys.readouterr().err
    assert "the database is unchanged" in err
    assert "alpha-plan.yaml:" in err and "date: '2021-02-30'" in err


def test_check_seeds(capsys):
    assert main(["check-seeds", str(FIXTURE_SEEDS), "--articles", str(FIXTURE_ARTICLES)]) == 0
    assert "Every quote is verbatim" in capsys.readouterr().out


def test_check_seeds_reports_every_problem(seeds_copy, capsys):
    (seeds_copy / "tags.yaml").write_text("tags:\n  - slug: Bad Slug\n    name: x\n")
    assert main(["check-seeds", str(seeds_copy)]) == 1
    err = capsys.readouterr().err
    assert "tags.yaml:2: tags.0.slug: Must be lowercase" in err
    assert "unknown tag 'privacy'" in err
    assert "problem(s) found" in err


def test_check_seeds_names_a_place_it_cannot_resolve(seeds_copy, capsys):
    path = seeds_copy / "events" / "alpha-plan.yaml"
    data = yaml.safe_load(path.read_text())
    del data["coordinates"]  # Exampleville is not in the gazetteer
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check-seeds", str(seeds_copy)]) == 1
    err = capsys.readouterr().err
    assert "alpha-plan.yaml:8: place: place 'Exampleville' is not in the gazetteer" in err
    assert "give its 'coordinates'" in err


def test_invalid_configuration_fails_fast(monkeypatch, capsys):
    monkeypatch.setenv("CACHE_MAX_AGE", "soon")
    assert main(["seed", str(FIXTURE_SEEDS)]) == 2
    assert "CACHE_MAX_AGE must be a whole number" in capsys.readouterr().err


def test_openapi_to_stdout(capsys):
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out)["openapi"] == "3.1.0"


# ---- Start-up: every setting checked, named, before gunicorn starts -----------------


def run_cli(
    *args: str, env: dict | None = None, timeout: float = 30
) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "WEB_"))}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "timeline_api.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        timeout=timeout,
    )


@pytest.fixture
def seeded_file(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'seeded.sqlite3'}"
    assert run_cli("seed", str(FIXTURE_SEEDS), env={"DATABASE_URL": url}).returncode == 0
    return url


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY must be a whole number from 1"),
        ("WEB_CONCURRENCY", "-1", "WEB_CONCURRENCY must be a whole number from 1"),
        ("PORT", "70000", "PORT must be a whole number from 1 to 65535"),
        ("PORT", "abc", "PORT must be a whole number from 1 to 65535"),
        ("GUNICORN_TIMEOUT", "soon", "GUNICORN_TIMEOUT must be a whole number"),
        ("GUNICORN_THREADS", "0", "GUNICORN_THREADS must be a whole number from 1"),
        ("HOST", " ", None),  # blank means the default: not an error
    ],
)
def test_serve_stops_on_an_invalid_setting_naming_it(seeded_file, variable, value, message):
    env = {"DATABASE_URL": seeded_file, variable: value}
    if message is None:
        # A blank setting is the default; check the configuration alone, without serving.
        from timeline_api.config import Config

        assert Config.from_env(env).HOST == "127.0.0.1"
        return
    result = run_cli("serve", env=env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_serve_says_when_the_port_is_taken(seeded_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", env={"DATABASE_URL": seeded_file, "PORT": str(port)})
    assert result.returncode == 2
    assert f"PORT {port} on 127.0.0.1 is already in use" in result.stderr
    assert "set PORT to a free port" in result.stderr


def test_serve_refuses_a_database_file_that_does_not_exist(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = run_cli("serve", env={"DATABASE_URL": url})
    assert result.returncode == 2
    assert "run `timeline-api seed`" in result.stderr
    assert not (tmp_path / "empty.sqlite3").exists()  # not silently created


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("timeline-api ")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("seed", ["SEEDS", "the seeds folder", "DATABASE_URL"]),
        ("serve", ["PORT", "WEB_CONCURRENCY", "passed to gunicorn", "--workers 3"]),
        ("check-seeds", ["SEEDS", "--articles"]),
    ],
)
def test_help_documents_each_command(capsys, command, expected):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    for word in expected:
        assert word in text, (word, text)


def test_check_seeds_with_a_missing_articles_folder_is_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["check-seeds", str(FIXTURE_SEEDS), "--articles", str(missing)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"{missing}: articles folder does not exist", "1 problem(s) found."]


def test_logs_are_text_on_a_terminal_and_json_otherwise(monkeypatch):
    from timeline_api import config as config_module

    monkeypatch.setattr(config_module, "_on_a_terminal", lambda: True)
    assert config_module.Config.from_env({}).LOG_FORMAT == "text"
    assert config_module.Config.from_env({"LOG_FORMAT": "json"}).LOG_FORMAT == "json"
    monkeypatch.setattr(config_module, "_on_a_terminal", lambda: False)
    assert config_module.Config.from_env({}).LOG_FORMAT == "json"


@pytest.mark.parametrize("command", [["releases"], ["history", "alpha-plan"]])
def test_release_commands_say_to_seed_a_missing_or_empty_database(
    monkeypatch, tmp_path, capsys, command
):
    missing = tmp_path / "missing.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    assert main(command) == 2
    assert "run `timeline-api seed`" in capsys.readouterr().err
    assert not missing.exists()  # not created empty
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")
    assert main(command) == 2
    assert "run `timeline-api seed`" in capsys.readouterr().err
