"""`previous_slugs:` records a rename; check-seeds rejects one that is still in use."""

import shutil

import pytest
import yaml

from tests.seeds.test_loader import snapshot
from timeline_api.models import Record
from timeline_api.seeds import SeedError, check_seeds, load_seeds


def edit(path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_a_previous_slug_still_in_use_is_rejected(seeds_copy):
    path = seeds_copy / "events" / "alpha-plan.yaml"
    edit(path, lambda d: d.update(previous_slugs=["same-day-a"]))
    problems = check_seeds(seeds_copy)
    assert [(p.file.rsplit("/", 1)[-1], p.field, p.reason) for p in problems] == [
        (
            "alpha-plan.yaml",
            "previous_slugs.0",
            "previous slug 'same-day-a' is still in use by another event",
        )
    ]
    assert problems[0].line


def test_a_record_cannot_be_its_own_previous_slug_nor_share_one(seeds_copy):
    edit(
        seeds_copy / "events" / "alpha-plan.yaml", lambda d: d.update(previous_slugs=["alpha-plan"])
    )
    edit(seeds_copy / "events" / "same-day-a.yaml", lambda d: d.update(previous_slugs=["old-one"]))
    edit(seeds_copy / "events" / "same-day-b.yaml", lambda d: d.update(previous_slugs=["old-one"]))
    reasons = sorted(p.reason for p in check_seeds(seeds_copy))
    assert reasons == [
        "a record cannot be its own previous slug",
        "previous slug 'old-one' is also claimed by event 'same-day-a'",
    ]


def test_catalogue_records_may_be_renamed_too(seeds_copy):
    edit(
        seeds_copy / "tags.yaml",
        lambda d: d["tags"][0].update(previous_slugs=["surveillance"]),
    )
    (problem,) = check_seeds(seeds_copy)
    assert problem.field == "tags.0.previous_slugs.0"
    assert "still in use by another tag" in problem.reason


def test_an_invalid_previous_slug_stops_the_load(empty_db, seeds_copy):
    edit(seeds_copy / "events" / "alpha-plan.yaml", lambda d: d.update(previous_slugs=["Bad"]))
    with pytest.raises(SeedError) as error:
        load_seeds(seeds_copy)
    assert "previous_slugs.0" in str(error.value)


def test_a_new_record_may_not_take_a_slug_renamed_away(timeline, tmp_path):
    """The old slug redirects for good: a new record there would take over its links and
    its feed and calendar ids. Only the database knows, so the load refuses it."""
    folder = shutil.copytree(timeline.folders["rename"], tmp_path / "reuse")
    edit(folder / "events" / "same-day-b-renamed.yaml", lambda d: d.pop("previous_slugs"))
    gamma = yaml.safe_load((folder / "events" / "gamma-event.yaml").read_text())
    gamma.update(slug="same-day-b", title="An unrelated event")
    (folder / "events" / "same-day-b.yaml").write_text(yaml.safe_dump(gamma))
    assert check_seeds(folder) == []  # valid on its own
    timeline.folders["reuse"] = folder
    before = snapshot()
    with pytest.raises(SeedError) as error:
        timeline.load("reuse")
    (problem,) = error.value.problems
    assert (problem.file.rsplit("/", 1)[-1], problem.field) == ("same-day-b.yaml", "slug")
    assert "renamed to 'same-day-b-renamed' in release 5" in problem.reason
    lines = (folder / "events" / "same-day-b.yaml").read_text().splitlines()
    assert lines[problem.line - 1].startswith("slug: same-day-b")
    assert snapshot() == before


def test_another_record_may_not_be_renamed_to_a_slug_renamed_away(timeline, tmp_path):
    folder = shutil.copytree(timeline.folders["rename"], tmp_path / "reuse")
    edit(folder / "events" / "same-day-b-renamed.yaml", lambda d: d.pop("previous_slugs"))
    (folder / "events" / "same-day-a.yaml").rename(folder / "events" / "same-day-b.yaml")
    edit(
        folder / "events" / "same-day-b.yaml",
        lambda d: d.update(slug="same-day-b", previous_slugs=["same-day-a"]),
    )
    assert check_seeds(folder) == []
    timeline.folders["reuse"] = folder
    before = snapshot()
    with pytest.raises(SeedError) as error:
        timeline.load("reuse")
    (problem,) = error.value.problems
    assert problem.field == "slug"
    assert "renamed to 'same-day-b-renamed' in release 5" in problem.reason
    assert snapshot() == before
    # Renamed back, the record takes its own old slug again.
    assert timeline.load("restore").release.counts["event"]["renamed"] == 1


def test_a_removed_record_may_come_back_under_its_own_slug(timeline):
    record = Record.get((Record.kind == "event") & (Record.slug == "same-day-c"))
    assert record.deleted_release == 4
    report = timeline.load("restore")  # same-day-c is back
    assert report.release.counts["event"]["created"] == 1
    restored = Record.get((Record.kind == "event") & (Record.slug == "same-day-c"))
    assert restored.id == record.id and restored.deleted_release is None


def test_a_removed_record_may_not_come_back_where_a_later_rename_redirects(empty_db, seeds_copy):
    """same-day-c removed, then another event renamed to same-day-c and on again: its URL
    now redirects to that event, so the removed one cannot take it back."""
    events = seeds_copy / "events"
    removed = (events / "same-day-c.yaml").read_text()
    load_seeds(seeds_copy)
    (events / "same-day-c.yaml").unlink()
    load_seeds(seeds_copy)  # release 2 removes same-day-c
    (events / "same-day-a.yaml").rename(events / "same-day-c.yaml")
    edit(
        events / "same-day-c.yaml",
        lambda d: d.update(slug="same-day-c", previous_slugs=["same-day-a"]),
    )
    load_seeds(seeds_copy)  # release 3: same-day-a renamed to same-day-c
    (events / "same-day-c.yaml").rename(events / "same-day-a-later.yaml")
    edit(
        events / "same-day-a-later.yaml",
        lambda d: d.update(slug="same-day-a-later", previous_slugs=["same-day-a", "same-day-c"]),
    )
    load_seeds(seeds_copy)  # release 4: and on to same-day-a-later
    edit(events / "same-day-a-later.yaml", lambda d: d.update(previous_slugs=["same-day-a"]))
    (events / "same-day-c.yaml").write_text(removed)
    assert check_seeds(seeds_copy) == []
    before = snapshot()
    with pytest.raises(SeedError) as error:
        load_seeds(seeds_copy)
    (problem,) = error.value.problems
    assert problem.field == "slug"
    assert "renamed to 'same-day-a-later' in release 4" in problem.reason
    assert snapshot() == before
