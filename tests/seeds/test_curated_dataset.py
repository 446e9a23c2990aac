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
