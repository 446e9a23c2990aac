"""The seed loader: validation errors name file, line and field; loads are atomic and idempotent."""

import gc
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURE_ARTICLES, FIXTURE_SEEDS
from timeline_api.models import ALL_MODELS, Citation, Event, EventRelation, Place, Quote
from timeline_api.seeds import SeedError, check_seeds, load_seeds
from timeline_api.seeds import dataset as dataset_module
from timeline_api.seeds import sync as seed_sync
from timeline_api.seeds.parsed import parsed_files


def snapshot() -> dict:
    """Every row of every table, ids included, so "unchanged" means unchanged."""
    return {model.__name__: sorted(map(repr, model.select().tuples())) for model in ALL_MODELS}


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_load_creates_everything(empty_db):
    report = load_seeds(FIXTURE_SEEDS)
    assert report.changed
    assert report.created["events"] == 6
    assert report.created["sources"] == 3
    assert report.created["relations"] == 2
    assert Event.select().count() == 6
    assert Quote.select().count() == 7


def test_loading_twice_changes_nothing(empty_db):
    load_seeds(FIXTURE_SEEDS)
    before = snapshot()
    report = load_seeds(FIXTURE_SEEDS)
    assert not report.changed
    assert "nothing changed" in report.summary()
    assert snapshot() == before


def test_removed_event_disappears_with_its_links(empty_db, seeds_copy):
    load_seeds(seeds_copy)
    (seeds_copy / "events" / "alpha-plan.yaml").unlink()
    # Relations pointing at it must go too, or the seeds would be invalid.
    for name in ("beta-rejects-plan.yaml", "forum-meeting.yaml"):
        edit_yaml(seeds_copy / "events" / name, lambda d: d.pop("relations"))
    report = load_seeds(seeds_copy)
    assert report.deleted["events"] == 1
    assert not Event.select().where(Event.slug == "alpha-plan").exists()
    assert EventRelation.select().count() == 0
    assert Citation.select().join(Event).where(Event.slug == "alpha-plan").count() == 0


def test_changed_fields_are_updated_in_place(empty_db, seeds_copy):
    load_seeds(seeds_copy)
    event_id = Event.get(Event.slug == "alpha-plan").id
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", lambda d: d.update(title="New title"))
    report = load_seeds(seeds_copy)
    assert report.updated["events"] == 1
    assert sum(report.created.values()) == 0
    event = Event.get(Event.slug == "alpha-plan")
    assert (event.id, event.title) == (event_id, "New title")


def _set(key, value):
    return lambda data: data.__setitem__(key, value)


BROKEN_EVENTS = [
    pytest.param(
        _set("actors", [{"actor": "nobody", "role": "speaker"}]),
        "actors.0.actor",
        "unknown actor 'nobody'",
        id="unknown-actor",
    ),
    pytest.param(
        _set("citations", [{"source": "nowhere", "quotes": ["x"]}]),
        "citations.0.source",
        "unknown source 'nowhere'",
        id="unknown-source",
    ),
    pytest.param(_set("tags", ["no-such-tag"]), "tags.0", "unknown tag", id="unknown-tag"),
    pytest.param(
        _set("date", "2021-02-30"), "date", "day must be between 01 and 28", id="bad-date"
    ),
    pytest.param(
        _set("date", "2021-05"), "date", "written to month precision", id="precision-mismatch"
    ),
    pytest.param(
        _set("citations", [{"source": "gazette-one", "quotes": ["   "]}]),
        "citations.0.quotes.0",
        "Must not be empty",
        id="empty-quote",
    ),
    pytest.param(_set("citations", []), "citations", "at least one citation", id="no-citation"),
    pytest.param(
        _set("relations", [{"type": "responds_to", "target": "ghost"}]),
        "relations.0.target",
        "unknown event 'ghost'",
        id="dangling-relation",
    ),
    pytest.param(
        _set("relations", [{"type": "responds_to", "target": "alpha-plan"}]),
        "relations.0.target",
        "cannot relate to itself",
        id="self-relation",
    ),
    pytest.param(_set("event_type", "coup"), "event_type", "Must be one of", id="bad-type"),
    pytest.param(_set("country", "XX"), "country", "not an ISO 3166-1", id="bad-country"),
    pytest.param(_set("country", False), "country", "quoted strings", id="yaml-norway"),
    pytest.param(_set("titel", "typo"), "titel", "Unknown field", id="unknown-field"),
    pytest.param(
        _set("slug", "other-slug"), "slug", "must match the file name", id="slug-not-file-name"
    ),
    pytest.param(lambda d: d.pop("date_note"), "date_note", "Missing data", id="missing-field"),
    # Places: alpha-plan's Exampleville (FR) is placed by the curator's coordinates.
    pytest.param(
        lambda d: d.pop("coordinates"),
        "place",
        "'Exampleville' is not in the gazetteer",
        id="unresolvable-place",
    ),
    pytest.param(
        lambda d: d.update(place=None),
        "coordinates",
        "coordinates need a place name",
        id="coordinates-without-place",
    ),
    pytest.param(
        lambda d: d.update(country=None, coordinates=None),
        "place",
        "no country to look it up in",
        id="place-without-country",
    ),
    pytest.param(
        _set("coordinates", {"latitude": 91, "longitude": 2}),
        "coordinates.latitude",
        "less than or equal to 90",
        id="latitude-out-of-range",
    ),
    pytest.param(
        _set("coordinates", {"latitude": 46.5}),
        "coordinates.longitude",
        "Missing data",
        id="longitude-missing",
    ),
]


def test_gazetteer_places_need_no_coordinates(empty_db, seeds_copy):
    edit_yaml(
        seeds_copy / "events" / "alpha-plan.yaml",
        lambda d: d.update(place="Genève", country="CH", coordinates=None),
    )
    load_seeds(seeds_copy)
    event = Event.get(Event.slug == "alpha-plan")
    place = Place.get_by_id(event.location_id)
    # Found by an alternate name, accents and case ignored; named as the gazetteer names it.
    assert (place.name, place.gazetteer_id, place.coordinates_from) == (
        "Geneva",
        2660646,
        "gazetteer",
    )
    assert event.place == "Genève"  # the curator's text is kept


def test_two_spellings_of_one_city_are_one_place(empty_db, seeds_copy):
    for name, spelling in (("same-day-a.yaml", "Genève"), ("same-day-b.yaml", "Geneva")):
        edit_yaml(
            seeds_copy / "events" / name,
            lambda d, s=spelling: d.update(place=s, country="CH", coordinates=None),
        )
    load_seeds(seeds_copy)
    places = {
        Place.get_by_id(event.location_id).slug
        for event in Event.select().where(Event.slug.in_(["same-day-a", "same-day-b"]))
    }
    assert places == {"geneva-ch"}
    assert Place.select().where(Place.gazetteer_id == 2660646).count() == 1


def test_one_place_placed_two_ways_is_a_problem(seeds_copy):
    """same-day-a and same-day-b name one place (Exampleville, FR) at different points."""
    for name, latitude in (("same-day-a.yaml", 10.0), ("same-day-b.yaml", 20.0)):
        coordinates = {"latitude": latitude, "longitude": 2.0}
        edit_yaml(
            seeds_copy / "events" / name,
            lambda d, c=coordinates: d.update(place="Exampleville", coordinates=c),
        )
    problems = check_seeds(seeds_copy)
    assert any("placed differently" in p.reason for p in problems), problems


@pytest.mark.parametrize(("change", "field", "reason"), BROKEN_EVENTS)
def test_bad_event_is_reported_and_database_unchanged(empty_db, seeds_copy, change, field, reason):
    load_seeds(FIXTURE_SEEDS)
    before = snapshot()
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", change)
    with pytest.raises(SeedError) as raised:
        load_seeds(seeds_copy)
    problems = raised.value.problems
    assert any(
        p.file.endswith("events/alpha-plan.yaml") and p.field == field and reason in p.reason
        for p in problems
    ), problems
    assert snapshot() == before


def test_duplicate_slug_across_files(empty_db, seeds_copy):
    events = seeds_copy / "events"
    (events / "copy.yaml").write_text((events / "alpha-plan.yaml").read_text())
    problems = check_seeds(seeds_copy)
    reasons = [str(p) for p in problems]
    assert any("duplicate event slug 'alpha-plan'" in r for r in reasons), reasons
    assert any("copy.yaml" in r and "must match the file name" in r for r in reasons), reasons


def test_duplicate_catalogue_slug(seeds_copy):
    edit_yaml(seeds_copy / "actors.yaml", lambda d: d["actors"].append(dict(d["actors"][0])))
    problems = check_seeds(seeds_copy)
    assert [p.field for p in problems] == ["actors.0.slug", "actors.4.slug"]


def test_invalid_yaml_names_file_and_line(seeds_copy):
    path = seeds_copy / "events" / "alpha-plan.yaml"
    lines = path.read_text().splitlines()
    lines[3] = 'date: "2021-05-02'  # unterminated string on line 4
    path.write_text("\n".join(lines) + "\n")
    (problem,) = check_seeds(seeds_copy)
    assert problem.file.endswith("alpha-plan.yaml")
    assert problem.line is not None and problem.line >= 4
    assert "invalid YAML" in problem.reason


def test_problem_points_at_the_line_of_the_field(seeds_copy):
    edit_yaml(
        seeds_copy / "events" / "alpha-plan.yaml",
        lambda d: d["actors"].append({"actor": "nobody", "role": "speaker"}),
    )
    (problem,) = check_seeds(seeds_copy)
    line = (seeds_copy / "events" / "alpha-plan.yaml").read_text().splitlines()[problem.line - 1]
    assert "nobody" in line
    assert str(problem).startswith(f"{problem.file}:{problem.line}: actors.2.actor: ")


def test_every_problem_is_reported_at_once(seeds_copy):
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", _set("date", "2021-13-01"))
    edit_yaml(seeds_copy / "events" / "beta-rejects-plan.yaml", _set("tags", ["nope"]))
    edit_yaml(seeds_copy / "sources.yaml", lambda d: d["sources"][0].update(language="English"))
    files = {Path(p.file).name for p in check_seeds(seeds_copy)}
    assert files == {"alpha-plan.yaml", "beta-rejects-plan.yaml", "sources.yaml"}


def test_missing_catalogue_is_a_problem(seeds_copy):
    (seeds_copy / "tags.yaml").unlink()
    reasons = [str(p) for p in check_seeds(seeds_copy)]
    assert any("tags.yaml: file is missing" in r for r in reasons)


def test_non_mapping_file(seeds_copy):
    (seeds_copy / "events" / "alpha-plan.yaml").write_text("- just\n- a list\n")
    (problem,) = check_seeds(seeds_copy)
    assert "must be a YAML mapping" in problem.reason


def test_not_utf8(seeds_copy):
    (seeds_copy / "events" / "alpha-plan.yaml").write_bytes(b"title: \xff\xfe\n")
    (problem,) = check_seeds(seeds_copy)
    assert "not valid UTF-8" in problem.reason


def test_failure_during_write_rolls_everything_back(empty_db, seeds_copy, monkeypatch):
    load_seeds(seeds_copy)
    before = snapshot()
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", _set("title", "Changed"))
    (seeds_copy / "events" / "same-day-c.yaml").unlink()
    real_sync_keyed = seed_sync._sync_keyed

    def explode_on_quotes(table, *args, **kwargs):
        if table.model is Quote:
            raise RuntimeError("disk full")
        return real_sync_keyed(table, *args, **kwargs)

    monkeypatch.setattr(seed_sync, "_sync_keyed", explode_on_quotes)
    with pytest.raises(RuntimeError, match="disk full"):
        load_seeds(seeds_copy)
    assert snapshot() == before


def test_quotes_must_be_verbatim(seeds_copy):
    from tests.conftest import FIXTURE_ARTICLES

    assert check_seeds(seeds_copy, FIXTURE_ARTICLES) == []
    edit_yaml(
        seeds_copy / "events" / "beta-rejects-plan.yaml",
        lambda d: d["citations"][0]["quotes"].append("Beta said the plan was fair."),
    )
    (problem,) = check_seeds(seeds_copy, FIXTURE_ARTICLES)
    assert problem.field == "citations.0.quotes.1"
    assert "not verbatim" in problem.reason


def test_quote_check_tolerates_whitespace_and_curly_quotes(seeds_copy):
    from tests.conftest import FIXTURE_ARTICLES

    # The article has “unfair” with curly quotes and the seed has straight ones.
    edit_yaml(
        seeds_copy / "events" / "beta-rejects-plan.yaml",
        lambda d: d["citations"][0]["quotes"].append("Beta   rejected\nthe plan"),
    )
    assert check_seeds(seeds_copy, FIXTURE_ARTICLES) == []


def _break_several_files(seeds_copy: Path) -> None:
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", _set("date", "2021-13-01"))
    edit_yaml(
        seeds_copy / "events" / "beta-rejects-plan.yaml",
        lambda d: d["actors"].append({"actor": "nobody", "role": "speaker"}),
    )
    (seeds_copy / "events" / "same-day-b.yaml").write_text('title: "unterminated\n')
    edit_yaml(seeds_copy / "events" / "same-day-c.yaml", _set("slug", "not-the-file-name"))


def test_parallel_read_reports_what_a_serial_read_does(seeds_copy, monkeypatch):
    """With many event files, worker processes parse and validate them: same events, same
    problems (files, lines, fields, reasons), in the same order."""
    _break_several_files(seeds_copy)
    serial_data, serial_problems = dataset_module.read_dataset(seeds_copy, workers=1)
    monkeypatch.setattr(dataset_module, "PARALLEL_READ_FROM", 1)
    parallel_data, parallel_problems = dataset_module.read_dataset(seeds_copy, workers=2)
    assert parallel_problems == serial_problems
    assert {p.file.rsplit("/", 1)[-1] for p in serial_problems} == {
        "alpha-plan.yaml",
        "beta-rejects-plan.yaml",
        "same-day-b.yaml",
        "same-day-c.yaml",
    }
    assert all(p.line for p in serial_problems)
    assert parallel_data.events == serial_data.events
    assert parallel_data.invalid_slugs == serial_data.invalid_slugs


def test_catalogues_read_by_the_reading_processes_report_what_a_serial_read_does(
    seeds_copy, monkeypatch
):
    edit_yaml(seeds_copy / "actors.yaml", lambda d: d["actors"].append({"slug": "Bad Slug"}))
    edit_yaml(seeds_copy / "sources.yaml", lambda d: d.update(extra="field"))
    (seeds_copy / "tags.yaml").write_text("tags: [unterminated\n")
    serial_data, serial_problems = dataset_module.read_dataset(seeds_copy, workers=1)
    monkeypatch.setattr(dataset_module, "PARALLEL_READ_FROM", 1)
    parallel_data, parallel_problems = dataset_module.read_dataset(seeds_copy, workers=2)
    assert parallel_problems == serial_problems
    assert {p.file.rsplit("/", 1)[-1] for p in serial_problems} >= {
        "actors.yaml",
        "sources.yaml",
        "tags.yaml",
    }
    assert all(p.line for p in serial_problems if not p.file.endswith("tags.yaml"))
    for name in ("sources", "actors", "tags", "events"):
        assert getattr(parallel_data, name) == getattr(serial_data, name)
    assert parallel_data.invalid_slugs == serial_data.invalid_slugs
    assert parallel_data.parsed_files == serial_data.parsed_files


def test_parallel_read_of_valid_seeds_loads_the_same_rows(empty_db, monkeypatch):
    monkeypatch.setattr(dataset_module, "PARALLEL_READ_FROM", 1)
    report = load_seeds(FIXTURE_SEEDS)
    assert report.created["events"] == len(list((FIXTURE_SEEDS / "events").glob("*.yaml")))
    assert report.version == seed_sync.dataset_version(
        dataset_module.read_dataset(FIXTURE_SEEDS, workers=1)[0]
    )


def test_a_parallel_reload_parses_only_the_changed_file_and_reads_what_a_serial_one_does(
    empty_db, seeds_copy, monkeypatch
):
    """The reading processes compare every file's digest with the kept one and parse only
    the file that changed; the unchanged files' kept records are used as they are."""
    load_seeds(seeds_copy)
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", _set("title", "A corrected title"))
    known = parsed_files()
    serial, serial_problems = dataset_module.read_dataset(seeds_copy, workers=1, known=known)
    monkeypatch.setattr(dataset_module, "PARALLEL_READ_FROM", 1)
    parallel, parallel_problems = dataset_module.read_dataset(seeds_copy, workers=2, known=known)
    assert parallel_problems == serial_problems == []
    assert parallel.events == serial.events
    assert parallel.places == serial.places
    assert parallel.known_digests == serial.known_digests
    assert parallel.parsed_files == serial.parsed_files
    parsed = {name for name, kept in parallel.parsed_files.items() if kept.encoded is None}
    assert parsed == {"events/alpha-plan.yaml"}
    assert set(parallel.known_texts) == {("event", "alpha-plan")}
    assert next(e for e in parallel.events if e["slug"] == "alpha-plan")["title"] == (
        "A corrected title"
    )


def test_a_reload_reports_references_broken_in_event_files_it_did_not_parse(empty_db, seeds_copy):
    """Unchanged event files are not parsed again, yet what they name is checked anew:
    the same problems as a full check, with their lines."""
    load_seeds(seeds_copy)
    edit_yaml(
        seeds_copy / "actors.yaml",
        lambda d: d.update(actors=[a for a in d["actors"] if a["slug"] != "beta-state"]),
    )
    (seeds_copy / "events" / "alpha-plan.yaml").unlink()
    with pytest.raises(SeedError) as raised:
        load_seeds(seeds_copy)
    problems = raised.value.problems
    assert problems == check_seeds(seeds_copy)
    located = {(Path(p.file).name, p.line, p.field, p.reason) for p in problems}
    assert ("beta-rejects-plan.yaml", 11, "actors.0.actor", _unknown_actor) in located
    assert any(
        name == "beta-rejects-plan.yaml" and reason.startswith("relation points to unknown")
        for name, _, _, reason in located
    )


_unknown_actor = "unknown actor 'beta-state' (not in actors.yaml)"


def test_load_leaves_the_garbage_collector_as_it_found_it(empty_db, seeds_copy):
    assert gc.isenabled()
    load_seeds(FIXTURE_SEEDS)
    assert gc.isenabled()
    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", _set("date", "2021-13-01"))
    with pytest.raises(SeedError):
        load_seeds(seeds_copy)
    assert gc.isenabled()


def test_a_schema_error_hides_none_of_the_files_other_problems(seeds_copy):
    """One run reports everything: the schema error, and the bad date, unknown actor and
    tag, dangling relation and non-verbatim quote of the same file."""

    def break_everything(data):
        data["colour"] = "blue"  # a schema error: unknown field
        data["date"] = "2021-02-30"
        data["actors"][0]["actor"] = "nobody"
        data["tags"] = ["nope"]
        data["relations"] = [{"type": "responds_to", "target": "no-such-event"}]
        data["citations"][0]["quotes"][0] = "Words the article never printed."

    edit_yaml(seeds_copy / "events" / "alpha-plan.yaml", break_everything)
    reasons = [str(p) for p in check_seeds(seeds_copy, FIXTURE_ARTICLES)]
    for expected in (
        "colour: Unknown field",
        "date: ",
        "unknown actor 'nobody'",
        "unknown tag 'nope'",
        "unknown event 'no-such-event'",
        "quote is not verbatim",
    ):
        assert any(expected in reason for reason in reasons), (expected, reasons)


def test_a_missing_articles_folder_is_one_problem(seeds_copy, tmp_path):
    problems = check_seeds(seeds_copy, tmp_path / "no-such-folder")
    assert [p.reason for p in problems] == ["articles folder does not exist"]


def test_a_source_s_fingerprint_must_be_its_article_s(seeds_copy):
    """check-seeds with the articles: the SHA-256 a reader can compare is the file's."""

    def tamper(data):
        data["sources"][0]["article_sha256"] = "0" * 64

    edit_yaml(seeds_copy / "sources.yaml", tamper)
    (problem,) = check_seeds(seeds_copy, FIXTURE_ARTICLES)
    assert problem.field == "sources.0.article_sha256"
    assert "does not match gazette-one.txt" in problem.reason

    def forget(data):
        del data["sources"][0]["article_sha256"]
        del data["sources"][0]["article_checked"]

    edit_yaml(seeds_copy / "sources.yaml", forget)
    (problem,) = check_seeds(seeds_copy, FIXTURE_ARTICLES)
    assert problem.reason.startswith("missing: the article's SHA-256 is b56945383b3f")


def test_a_fingerprint_needs_its_check_date(seeds_copy):
    edit_yaml(seeds_copy / "sources.yaml", lambda d: d["sources"][0].pop("article_checked"))
    (problem,) = check_seeds(seeds_copy)
    assert "go together" in problem.reason


def test_a_partly_valid_event_is_reported_not_a_traceback(empty_db, seeds_copy):
    """An entry that fails validation (a role outside the vocabulary, a relation without
    its type) leaves the event's other fields checked across files, with no KeyError."""
    path = seeds_copy / "events" / "alpha-plan.yaml"
    data = yaml.safe_load(path.read_text())
    data["actors"][0]["role"] = "signatory"
    data["relations"] = [{"target": "forum-meeting"}]
    data["citations"].append({"quotes": ["no source given"]})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    problems = {(p.field, p.reason.split(":")[0]) for p in check_seeds(seeds_copy)}
    fields = {field for field, _ in problems}
    assert "actors.0.role" in fields
    assert "relations.0.type" in fields
    assert any(field and field.startswith("citations.") for field in fields)
    with pytest.raises(SeedError):
        load_seeds(seeds_copy)


def test_a_catalogue_problem_names_the_item_after_an_invalid_one(seeds_copy):
    """Cross-file checks locate an item by its index in the file, also when an earlier
    item failed validation."""
    path = seeds_copy / "sources.yaml"
    data = yaml.safe_load(path.read_text())
    del data["sources"][0]["publisher"]
    data["sources"][2].update(published="2021-05", published_precision="day")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    fields = {p.field for p in check_seeds(seeds_copy)}
    assert "sources.0.publisher" in fields
    assert "sources.2.published" in fields
