"""The curated dataset in seeds/: valid, fully sourced, and quoted verbatim from its articles."""

import pytest

from tests.conftest import REAL_SEEDS, SHARED_ARTICLES, require
from timeline_api.models import Event
from timeline_api.seeds import check_seeds, load_seeds
from timeline_api.seeds.dataset import read_dataset


@pytest.fixture(scope="module")
def dataset():
    dataset, problems = read_dataset(REAL_SEEDS)
    assert problems == []
    return dataset


def test_seeds_are_valid():
    assert [str(p) for p in check_seeds(REAL_SEEDS)] == []


def test_every_quote_is_verbatim_in_its_article():
    require(SHARED_ARTICLES.is_dir(), f"the source articles are not at {SHARED_ARTICLES}")
    assert [str(p) for p in check_seeds(REAL_SEEDS, SHARED_ARTICLES)] == []


def test_every_source_names_an_existing_article(dataset):
    require(SHARED_ARTICLES.is_dir(), f"the source articles are not at {SHARED_ARTICLES}")
    articles = {path.name for path in SHARED_ARTICLES.iterdir()}
    assert {source["article_file"] for source in dataset.sources} == articles


def test_the_three_headline_events_are_there(dataset):
    slugs = [event["slug"] for event in dataset.events]
    assert any("human-rights-council" in s or "unhrc" in s for s in slugs)
    assert any("global-initiative-on-data-security" in s for s in slugs)
    assert any("2024" in s or "executive-order" in s for s in slugs)


def test_every_event_is_cited_with_a_note_on_its_date(dataset):
    for event in dataset.events:
        assert event["citations"], event["slug"]
        assert all(citation["quotes"] for citation in event["citations"]), event["slug"]
        assert event["date_note"].strip(), event["slug"]


def test_loaded_timeline_runs_from_2019_to_2024(empty_db):
    load_seeds(REAL_SEEDS)
    dates = [event.date for event in Event.select().order_by(Event.date_start, Event.slug)]
    assert dates[0].startswith("2019")
    assert dates[-1].startswith("2024")


def _break(path, change):
    import yaml

    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(date="2020-09"), "written to month precision"),
        (lambda d: d.update(citations=[]), "at least one citation"),
        (
            lambda d: d["relations"].append({"type": "counters", "target": "gone"}),
            "unknown event 'gone'",
        ),
        (
            lambda d: d["actors"].append({"actor": "nobody", "role": "speaker"}),
            "unknown actor 'nobody'",
        ),
        (
            lambda d: d["citations"][0]["quotes"].append("China invented the internet."),
            "not verbatim",
        ),
    ],
)
def test_check_seeds_catches_errors_in_a_broken_copy_of_the_dataset(tmp_path, change, expected):
    import shutil

    require(SHARED_ARTICLES.is_dir(), f"the source articles are not at {SHARED_ARTICLES}")
    copy = tmp_path / "seeds"
    shutil.copytree(REAL_SEEDS, copy)
    target = copy / "events" / "global-initiative-on-data-security-launch.yaml"
    _break(target, change)
    problems = check_seeds(copy, SHARED_ARTICLES)
    assert any(expected in p.reason and p.file.endswith(target.name) for p in problems), problems


def test_every_place_of_the_curated_events_is_resolved(dataset):
    """Beijing and Geneva from the gazetteer; country-only events at their country's point."""
    places = {place["slug"]: place for place in dataset.places}
    assert places["beijing-cn"]["gazetteer_id"] == 1816670
    assert places["geneva-ch"]["gazetteer_id"] == 2660646
    assert {p["geo_precision"] for p in places.values()} == {"city", "country"}
    for event in dataset.events:
        assert (event["_place"] is None) == (not event["place"] and not event["country"])
