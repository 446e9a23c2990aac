"""The whole dataset at once: GET /datapackage.json (+ its tables and a zip) and /dataset."""

import datetime as dt

from flask import Response, request
from peewee import fn

from timeline_api.api import Blueprint, NoQueryArgsSchema
from timeline_api.api.negotiation import negotiate, negotiates_itself
from timeline_api.exports import EXPORT_FORMATS, datapackage, dataset_jsonld
from timeline_api.models import DatasetState, Event, Place, Source, Tag

dataset_blueprint = Blueprint(
    "dataset",
    __name__,
    url_prefix="/api/v1",
    description="The whole dataset: a Frictionless Data Package of CSV tables (one zip, or "
    "table by table) and a schema.org Dataset description for dataset search engines.",
)


def _state() -> tuple[str, dt.datetime]:
    state = DatasetState.get_or_none(DatasetState.id == 1)
    if state is None:
        return "", dt.datetime(1970, 1, 1)
    return state.version, state.loaded_at


def _sources() -> list[dict]:
    return list(
        Source.select(Source.publisher, Source.headline, Source.published, Source.url)
        .order_by(Source.slug)
        .dicts()
    )


def _descriptor() -> dict:
    version, updated = _state()
    return datapackage.descriptor(version, updated, request.host_url, _sources())


def _download(body: bytes, media_type: str, filename: str, also: tuple[str, ...] = ()) -> Response:
    """`body` as a file, labelled with the first of its media types (`media_type`, then
    `also`) that the client accepts; none of them is a 406."""
    chosen = negotiate([media_type.split(";")[0], *also])
    response = Response(body, content_type=media_type if chosen in media_type else chosen)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


TABLE_NAMES = ", ".join(table.name for table in datapackage.TABLES)


@dataset_blueprint.route("/datapackage.json")
@dataset_blueprint.arguments(NoQueryArgsSchema, location="query")
@dataset_blueprint.response(200, description="The Data Package descriptor.")
@dataset_blueprint.doc(
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}}
)
@negotiates_itself  # one media type each, checked in _download()
def get_datapackage(_args):
    """Describe the whole dataset as a Frictionless Data Package

    A Tabular Data Package: one CSV resource per table (events, places, actors, event
    actors with roles, tags, event tags, sources, citations, quotes, points, relations),
    each with a Table Schema, its primary key and foreign keys; the licences; and the
    sources (the news articles, and GeoNames for coordinates). Resource paths are relative
    to this document (`datapackage/events.csv`); `datapackage.zip` holds it all in one
    file. `frictionless validate` passes on it.
    """
    return _download(
        datapackage.descriptor_json(_descriptor()), "application/json", "datapackage.json"
    )


@dataset_blueprint.route(
    f"/datapackage/<any({TABLE_NAMES}):table>.csv",
    parameters=[
        {
            "in": "path",
            "name": "table",
            "description": "The table: " + TABLE_NAMES + ".",
            "example": "events",
        }
    ],
)
@dataset_blueprint.arguments(NoQueryArgsSchema, location="query")
@dataset_blueprint.response(200, description="The table as CSV.")
@dataset_blueprint.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
@negotiates_itself  # one media type each, checked in _download()
def get_datapackage_table(_args, table: str):
    """Download one table of the Data Package as CSV

    RFC 4180, UTF-8, a header row; its columns, keys and types are in the descriptor.
    """
    return _download(
        datapackage.table_csv(datapackage.TABLES_BY_NAME[table]),
        "text/csv; charset=utf-8; header=present",
        f"{table}.csv",
    )


@dataset_blueprint.route("/datapackage.zip")
@dataset_blueprint.arguments(NoQueryArgsSchema, location="query")
@dataset_blueprint.response(200, description="The Data Package as one zip.")
@dataset_blueprint.doc(
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
    }
)
@negotiates_itself  # one media type each, checked in _download()
def get_datapackage_zip(_args):
    """Download the whole dataset as one zip

    `datapackage.json` and every table under `datapackage/`, as the descriptor names them.
    """
    _, updated = _state()
    return _download(
        datapackage.zip_archive(_descriptor(), updated),
        "application/zip",
        f"{datapackage.PACKAGE_NAME}.zip",
    )


@dataset_blueprint.route("/dataset")
@dataset_blueprint.arguments(NoQueryArgsSchema, location="query")
@dataset_blueprint.response(200, description="A schema.org Dataset in JSON-LD.")
@dataset_blueprint.doc(
    responses={200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}}}
)
@negotiates_itself  # one media type each, checked in _download()
def get_dataset(_args):
    """Describe the dataset for dataset search engines (schema.org Dataset, JSON-LD)

    Licence, publisher, the period covered (first to last day any event's date may mean),
    the places events happened, the articles it is based on, and every download.
    """
    version, updated = _state()
    first_day, last_day = Event.select(fn.MIN(Event.date_start), fn.MAX(Event.date_end)).scalar(
        as_tuple=True
    )
    places = list(
        Place.select(Place.name, Place.latitude, Place.longitude, Place.gazetteer_id)
        .order_by(Place.slug)
        .dicts()
    )
    exports = [
        (f"Events as {export.name}", f"/events.{export.extension}", export.media_type.split(";")[0])
        for export in EXPORT_FORMATS.values()
    ]
    body = dataset_jsonld.render(
        base_url=request.host_url.rstrip("/"),
        version=version,
        updated=updated,
        first_day=_as_date(first_day),
        last_day=_as_date(last_day),
        places=places,
        keywords=[name for (name,) in Tag.select(Tag.name).order_by(Tag.name).tuples()],
        sources=_sources(),
        exports=exports,
    )
    # JSON-LD is JSON: generic clients asking for application/json get it too.
    return _download(body, "application/ld+json", "dataset.jsonld", also=("application/json",))


def _as_date(value) -> dt.date | None:
    """SQLite gives MIN/MAX of a date column as text."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value
