"""The EXPORT_FORMATS registry, and what every format promises: bytes, deterministically."""

import copy
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from timeline_api.exports import EXPORT_FORMATS, ExportFormat

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_formats_in_documented_order_with_media_types():
    assert {name: (f.extension, f.media_type) for name, f in EXPORT_FORMATS.items()} == {
        "timelinejs": ("timelinejs", "application/json"),
        "ics": ("ics", "text/calendar; charset=utf-8"),
        "atom": ("atom", "application/atom+xml; charset=utf-8"),
        "csv": ("csv", "text/csv; charset=utf-8; header=present"),
        "jsonld": ("jsonld", "application/ld+json"),
        "geojson": ("geojson", "application/geo+json"),
        "vistimeline": ("vistimeline", "application/json"),
    }
    assert list(EXPORT_FORMATS) == [
        "timelinejs",
        "ics",
        "atom",
        "csv",
        "jsonld",
        "geojson",
        "vistimeline",
    ]
    for export in EXPORT_FORMATS.values():
        assert isinstance(export, ExportFormat)
        assert export.description.endswith(".") and len(export.description) < 200


def test_context_is_frozen(context):
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.title = "changed"


@pytest.mark.parametrize("name", list(EXPORT_FORMATS))
def test_render_is_deterministic_bytes(name, events, context):
    render = EXPORT_FORMATS[name].render
    first = render(events, context)
    assert isinstance(first, bytes)
    assert render(copy.deepcopy(events), context) == first
    first.decode("utf-8")  # valid UTF-8


@pytest.mark.parametrize("name", list(EXPORT_FORMATS))
def test_render_does_not_change_its_input(name, events, context):
    before = copy.deepcopy(events)
    EXPORT_FORMATS[name].render(events, context)
    assert events == before


# CSV and GeoJSON list source slugs only; vis-timeline items carry no sources.
@pytest.mark.parametrize(
    "name", [n for n in EXPORT_FORMATS if n not in ("csv", "geojson", "vistimeline")]
)
def test_unknown_source_slug_is_an_error_not_a_silent_omission(name, events, context):
    events[0]["sources"] = [{"slug": "no-such-source"}]
    with pytest.raises(KeyError):
        EXPORT_FORMATS[name].render(events, context)


def _render_in_fresh_interpreter(hash_seed: str) -> str:
    script = (
        "import hashlib\n"
        "from tests.exports.conftest import sample_context, sample_events\n"
        "from timeline_api.exports import EXPORT_FORMATS\n"
        "for name, export in EXPORT_FORMATS.items():\n"
        "    body = export.render(sample_events(), sample_context())\n"
        "    print(name, hashlib.sha256(body).hexdigest())\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env={"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_output_is_identical_across_interpreter_runs():
    # Workers and restarts hash strings differently; ETags must not depend on that.
    first = _render_in_fresh_interpreter("1")
    assert len(first.splitlines()) == len(EXPORT_FORMATS)
    assert _render_in_fresh_interpreter("2") == first
