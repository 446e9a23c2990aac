"""`timeline-api releases`, `timeline-api history SLUG` and `seed --message`."""

import os
import signal
import subprocess
import sys

import pytest

from tests.release_timeline import seed_folders
from tests.support import FIXTURE_SEEDS
from timeline_api.cli import main


def test_seed_message_releases_and_history(monkeypatch, database_url, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    folders = seed_folders(tmp_path / "seeds")
    assert main(["seed", str(folders["initial"])]) == 0
    assert "Release 1 (" in capsys.readouterr().out
    assert main(["seed", str(folders["edit"]), "--message", "Correct a title"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Release 2 (") and "events: 1 updated" in out
    assert main(["seed", str(folders["edit"])]) == 0
    assert "nothing changed, no new release" in capsys.readouterr().out

    assert main(["releases"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "2" and "events 1 updated" in lines[0]
    assert lines[1].strip() == "Correct a title"
    assert lines[2].split()[0] == "1" and "events 6 created" in lines[2]

    assert main(["history", "alpha-plan"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "event alpha-plan (current)"
    revision, number, release, release_number, _time, change = out[1].split()
    assert (revision, number, release, release_number, change) == (
        "revision",
        "2",
        "release",
        "2",
        "updated",
    )
    assert out[2:5] == [
        "    title:",
        '      - "Alpha Ministry announces a privacy plan"',
        '      + "Alpha plan, corrected"',
    ]
    assert "created" in out[5]

    assert main(["history", "gazette-one", "--kind", "source"]) == 0
    assert "source gazette-one (current)" in capsys.readouterr().out
    assert main(["history", "nothing-here"]) == 1
    assert capsys.readouterr().err == "No event 'nothing-here' in any release.\n"
    assert main(["history", "gazette-one"]) == 1  # a source's slug, asked as an event
    assert capsys.readouterr().err == (
        "No event 'gazette-one' in any release. --kind source finds one.\n"
    )


def test_releases_before_any_load(monkeypatch, database_url, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["releases"]) == 0
    assert "No releases yet" in capsys.readouterr().out


@pytest.mark.parametrize("limit", ["0", "-1", "two"])
def test_releases_limit_must_be_a_positive_number(limit, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["releases", "--limit", limit])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert (
        "argument --limit: must be a whole number of 1 or more (--all lists every release)" in err
    )


def test_releases_all_and_limit(monkeypatch, sqlite_database_url, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_database_url)
    folders = seed_folders(tmp_path / "seeds")
    for step in ("initial", "edit", "addition"):
        assert main(["seed", str(folders[step])]) == 0
    capsys.readouterr()
    assert main(["releases", "--limit", "1"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["3"]
    assert main(["releases", "--all"]) == 0
    numbers = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert numbers == ["3", "2", "1"]
    with pytest.raises(SystemExit):
        main(["releases", "--all", "--limit", "2"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_releases_into_a_closed_pipe_exit_quietly(monkeypatch, sqlite_database_url, capsys):
    """`timeline-api releases | head -1`: the reader goes away; no traceback follows."""
    monkeypatch.setenv("DATABASE_URL", sqlite_database_url)
    assert main(["seed", str(FIXTURE_SEEDS)]) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "timeline_api.cli", "releases"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env={**os.environ, "DATABASE_URL": sqlite_database_url},
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert finished.stderr == b""
    assert finished.returncode == 128 + signal.SIGPIPE  # as a shell reports a piped command
