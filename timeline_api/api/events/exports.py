"""Serving the filtered timeline in other formats: the same query, another serializer.

Three ways to ask, all answered by `export_response`: the path (`/api/v1/events.csv`),
`format=` on the list, or an `Accept` header on the list. An export holds every event
matching the filters (paging parameters apply to the JSON list only).
"""

import datetime as dt

from flask import Response, request
from flask_smorest import abort

from timeline_api.api.events.filters import (
    SORT_KEYS,
    attach_snippets,
    filter_events,
    sort_order,
    with_parsed_search,
)
from timeline_api.api.events.representation import event_summaries, source_url
from timeline_api.api.negotiation import JSON, negotiate
from timeline_api.exports import EXPORT_FORMATS, ExportContext, ExportFormat
from timeline_api.models import DatasetState, Event, Source

EXPORT_TITLE = "Data-sovereignty timeline"


def _media_type(export: ExportFormat) -> str:
    return export.media_type.split(";")[0]


def negotiated_format(requested: str | None) -> ExportFormat | None:
    """The export asked for by `format=` or `Accept`; None means the JSON list (406: no fit)."""
    if requested and requested != "json":
        return EXPORT_FORMATS[requested]
    if requested == "json":
        return None
    # JSON comes first, so "*/*" and browsers' Accept headers keep getting JSON; the
    # TimelineJS format shares JSON's media type and is only reachable by name.
    offers = [JSON] + [_media_type(e) for e in EXPORT_FORMATS.values() if _media_type(e) != JSON]
    best = negotiate(offers)
    if best == JSON:
        return None
    return next(e for e in EXPORT_FORMATS.values() if _media_type(e) == best)


PAGING_PARAMETERS = ("limit", "cursor")


def reject_paging() -> None:
    """An export holds every matching event: `limit` or `cursor` with one is a 422, as on
    the export's own path, rather than silently ignored."""
    given = [name for name in PAGING_PARAMETERS if request.args.get(name, "") != ""]
    if given:
        abort(
            422,
            message="An export holds every matching event; "
            + " and ".join(f"'{name}'" for name in given)
            + (" applies" if len(given) == 1 else " apply")
            + " to the JSON list only.",
            invalid_params=[
                {"name": name, "in": "query", "reason": "Applies to the JSON list only."}
                for name in given
            ],
        )


def export_sources(sources) -> dict[str, dict]:
    """The source facts every export format may cite, by slug."""
    return {
        source.slug: {
            "slug": source.slug,
            "publisher": source.publisher,
            "headline": source.headline,
            "published": source.published,
            "published_precision": source.published_precision,
            "url": source.url,
            "api_url": source_url(source.slug),
        }
        for source in sources
    }


def export_response(export: ExportFormat, params: dict) -> Response:
    """Render every event matching `params` in `export`'s format."""
    sort = sort_order(params)
    params = with_parsed_search(params)
    matching = list(filter_events(params).order_by(*SORT_KEYS[sort].ordering()))
    events = event_summaries(attach_snippets(params["q"], matching))
    return render_export(export, events, EXPORT_TITLE, "events")


def single_event_export_response(export: ExportFormat, event: Event) -> Response:
    """One event in `export`'s format (a calendar with one VEVENT, a one-feature map...)."""
    return render_export(
        export, event_summaries([event]), f"{EXPORT_TITLE}: {event.title}", event.slug
    )


def render_export(export: ExportFormat, events: list[dict], title: str, name: str) -> Response:
    """`events` rendered by `export`, as a response whose file is called `name`."""
    cited = {source["slug"] for event in events for source in event["sources"]}
    sources = export_sources(Source.select().where(Source.slug.in_(cited or {""})))
    state = DatasetState.get_or_none(DatasetState.id == 1)
    context = ExportContext(
        title=title,
        base_url=request.host_url.rstrip("/"),
        self_url=request.url,
        # The data's own timestamp, not the clock: the same data gives the same bytes.
        updated=state.loaded_at if state else dt.datetime(1970, 1, 1),
        sources=sources,
    )
    response = Response(export.render(events, context), content_type=export.media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{name}.{export.extension}"'
    response.vary.add("Accept")
    return response


def export_documentation() -> dict:
    """OpenAPI content entries for every export media type."""
    return {
        _media_type(export): {
            "schema": {
                # JSON-LD is a JSON document; the others are text.
                "type": "object" if _media_type(export).endswith("json") else "string",
                "description": export.description,
            },
        }
        for export in EXPORT_FORMATS.values()
        if _media_type(export) != JSON
    }
