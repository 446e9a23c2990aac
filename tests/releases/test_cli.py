"""`timeline-api releases`, `timeline-api history SLUG` and `seed --message`."""

from tests.release_timeline import seed_folders
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
    assert "No event 'nothing-here'" in capsys.readouterr().err


def test_releases_before_any_load(monkeypatch, database_url, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["releases"]) == 0
    assert "No releases yet" in capsys.readouterr().out
