"""The whole dataset: the Frictionless Data Package (checked by `frictionless validate`),
its tables and zip, and the schema.org Dataset description."""

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.api.test_events import count_queries
from timeline_api.exports.datapackage import TABLES
from timeline_api.seeds import load_seeds

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
TABLE_NAMES = [
    "events",
    "places",
    "actors",
    "event_actors",
    "tags",
    "event_tags",
    "sources",
    "citations",
    "quotes",
    "points",
    "relations",
]


def frictionless_validate(descriptor: Path) -> subprocess.CompletedProcess:
    command = str(FRICTIONLESS) if FRICTIONLESS.exists() else shutil.which("frictionless")
    assert command, "frictionless is a test dependency (requirements/dev.lock)"
    return subprocess.run(
        [command, "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def extracted(client, tmp_path: Path) -> Path:
    response = client.get("/api/v1/datapackage.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.get_data())).extractall(tmp_path / "package")
    return tmp_path / "package" / "datapackage.json"


def test_descriptor_names_every_table_with_keys(client):
    document = client.get("/api/v1/datapackage.json").get_json()
    assert document["profile"] == "tabular-data-package"
    assert [r["name"] for r in document["resources"]] == TABLE_NAMES
    resources = {r["name"]: r for r in document["resources"]}
    assert resources["event_actors"]["schema"]["primaryKey"] == ["event", "actor", "role"]
    assert {
        "fields": ["event", "source"],
        "reference": {"resource": "citations", "fields": ["event", "source"]},
    } in resources["quotes"]["schema"]["foreignKeys"]
    assert document["licenses"] and document["version"]
    titles = [source["title"] for source in document["sources"]]
    assert "GeoNames" in titles[-2] and "Natural Earth" in titles[-1]
    sources = client.get("/api/v1/sources?limit=100").get_json()["items"]
    assert titles[:-2] == [f"{s['publisher']}: {s['headline']}" for s in sources]


def test_every_resource_downloads_at_its_relative_path(client):
    document = client.get("/api/v1/datapackage.json").get_json()
    for resource in document["resources"]:
        response = client.get("/api/v1/" + resource["path"])
        assert response.status_code == 200, resource["path"]
        assert response.mimetype == "text/csv"
        header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert header == [field["name"] for field in resource["schema"]["fields"]]


def test_the_zip_holds_the_descriptor_and_the_same_tables(client):
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/datapackage.zip").get_data()))
    assert archive.namelist() == ["datapackage.json"] + [t.path for t in TABLES]
    assert (
        json.loads(archive.read("datapackage.json"))
        == client.get("/api/v1/datapackage.json").get_json()
    )
    assert (
        archive.read("datapackage/places.csv")
        == client.get("/api/v1/datapackage/places.csv").get_data()
    )


def test_frictionless_validate_passes(client, tmp_path):
    result = frictionless_validate(extracted(client, tmp_path))
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[-3000:]
    assert len(report["tasks"]) == len(TABLE_NAMES)
    rows = {task["name"]: task["stats"]["rows"] for task in report["tasks"]}
    assert rows["events"] == client.get("/api/v1/events").get_json()["total"]


def test_frictionless_catches_a_broken_foreign_key(client, tmp_path):
    """The check above can fail: an unknown actor in event_actors is reported."""
    descriptor = extracted(client, tmp_path)
    table = descriptor.parent / "datapackage" / "event_actors.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    event, _, rest = lines[1].split(",", 2)
    lines[1] = f"{event},no-such-actor,{rest}"
    table.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = frictionless_validate(descriptor)
    assert result.returncode != 0
    assert "foreign-key" in result.stdout


def test_places_table_has_the_resolved_places(client):
    text = client.get("/api/v1/datapackage/places.csv").get_data(as_text=True)
    places = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert places["exampleville-fr"]["coordinates_from"] == "curator"
    assert places["exampleville-fr"]["gazetteer_id"] == ""
    assert places["de"]["geo_precision"] == "country" and places["de"]["name"] == "Germany"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/datapackage.json",
        "/api/v1/datapackage.zip",
        "/api/v1/datapackage/events.csv",
        "/api/v1/dataset",
    ],
)
def test_etag_and_304(client, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_unknown_parameters_and_tables(client):
    assert client.get("/api/v1/datapackage.json?page=2").status_code == 422
    assert client.get("/api/v1/datapackage/secrets.csv").status_code == 404


def test_schema_org_dataset(client):
    response = client.get("/api/v1/dataset")
    assert response.mimetype == "application/ld+json"
    dataset = json.loads(response.get_data())
    assert dataset["@type"] == "Dataset" and dataset["license"].startswith("https://")
    events = client.get("/api/v1/events?limit=100").get_json()["items"]
    first = min(e["date_start"] for e in events)
    last = max(e["date_end"] for e in events)
    assert dataset["temporalCoverage"] == f"{first}/{last}"
    names = {place["name"] for place in dataset["spatialCoverage"]}
    assert names == {e["place"]["name"] for e in events if e["place"]}
    for download in dataset["distribution"]:
        path = download["contentUrl"].removeprefix("http://localhost")
        got = client.get(path)
        assert got.status_code == 200, path
        assert got.mimetype == download["encodingFormat"], path


@pytest.mark.parametrize(
    "path", ["/api/v1/datapackage.zip", "/api/v1/dataset", "/api/v1/events.geojson"]
)
def test_served_from_the_response_cache_and_never_stale(client, seeds_copy, database_url, path):
    first = client.get(path)
    expected = 0 if database_url.startswith("sqlite") else 1  # the data version read only
    assert count_queries(client, path) == expected
    assert client.get(path).get_data() == first.get_data()
    edit = seeds_copy / "events" / "alpha-plan.yaml"
    data = yaml.safe_load(edit.read_text())
    data["coordinates"] = {"latitude": 10.5, "longitude": 20.25}
    edit.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    load_seeds(seeds_copy)
    changed = client.get(path)
    assert changed.get_data() != first.get_data()
    assert changed.headers["ETag"] != first.headers["ETag"]
