"""The timeline-api command: thin wrappers that exit non-zero with a clear message."""

import json

import yaml

from tests.conftest import FIXTURE_ARTICLES, FIXTURE_SEEDS
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
