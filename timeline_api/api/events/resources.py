"""GET /events and GET /events/{slug}."""

from flask_smorest import abort

from timeline_api.api import Blueprint, NoQueryArgsSchema
from timeline_api.api.as_of import showing
from timeline_api.api.counts import count_rows
from timeline_api.api.events.exports import (
    export_documentation,
    export_response,
    negotiated_format,
    reject_paging,
    single_event_export_response,
)
from timeline_api.api.events.facets import event_facets
from timeline_api.api.events.filters import (
    SORT_KEYS,
    attach_snippets,
    counting_query,
    event_sort_key,
    filter_events,
    sort_order,
    with_parsed_search,
)
from timeline_api.api.events.representation import event_detail, event_summaries
from timeline_api.api.events.schemas import (
    EventDetailArgsSchema,
    EventDetailSchema,
    EventExportArgsSchema,
    EventPageSchema,
    EventQueryArgsSchema,
    EventSortArgsSchema,
    FacetArgsSchema,
    FacetsSchema,
)
from timeline_api.api.fields import slug_path_parameter, sparse
from timeline_api.api.history import REDIRECT_DOC, HistorySchema, answer_missing, history_response
from timeline_api.api.negotiation import negotiates_itself, varies_on_accept
from timeline_api.api.pagination import LINK_HEADER_DOC, link_header, page_body, paginate
from timeline_api.exports import EXPORT_FORMATS
from timeline_api.models import Event

events_blueprint = Blueprint(
    "events",
    __name__,
    url_prefix="/api/v1/events",
    description="Dated events: who said or did what, when and where, and which articles report it.",
)


@events_blueprint.route("")
@events_blueprint.arguments(EventQueryArgsSchema, location="query", as_kwargs=True)
@events_blueprint.response(200, EventPageSchema, headers={"Link": LINK_HEADER_DOC})
@events_blueprint.alt_response(400, response="BAD_REQUEST")
@events_blueprint.alt_response(406, response="NOT_ACCEPTABLE")
@events_blueprint.doc(responses={200: {"content": export_documentation()}})
@negotiates_itself
@varies_on_accept
def list_events(**params):
    """List events, filtered and sorted by date

    Filters combine with AND; repeating a filter (`?tag=privacy&tag=surveillance`)
    matches any of its values. A partial date matches every period it may mean: with
    `year=2020`, an event dated only "2020-09" is included. Events of the same date are
    ordered by slug, so pages are stable. `fields=slug,title,date` returns only those
    fields of each event (the page's own fields stay).
    """
    export = negotiated_format(params.get("format"))
    with showing(params.pop("as_of", None), params.get("q")):
        if export is not None:
            reject_paging()
            _no_fields_in_exports(params)
            return export_response(export, params)
        sort = sort_order(params)
        params = with_parsed_search(params)
        page = paginate(
            filter_events(params),
            SORT_KEYS[sort],
            params["limit"],
            params.get("cursor"),
            key_of=event_sort_key(sort),
            counting=counting_query(params),
        )
        selection = params.get("fields_")
        summaries = event_summaries(attach_snippets(params["q"], page.items), selection)
    summaries = [sparse(summary, selection) for summary in summaries]
    # Vary: the same URL answers CSV, iCalendar... to other Accept headers.
    return page_body(page, summaries), {
        "Link": link_header(page),
        "Vary": "Accept",
    }


@events_blueprint.route("/facets")
@events_blueprint.arguments(FacetArgsSchema, location="query", as_kwargs=True)
@events_blueprint.response(200, FacetsSchema)
@events_blueprint.alt_response(400, response="BAD_REQUEST")
def list_event_facets(**params):
    """Count events by year, type, tag, actor and country for the current filters

    Takes the same filters as the event list (including `q`) and answers, for each facet,
    its values with their counts, most frequent first: what a UI needs to draw filter
    chips. Each facet is counted under every filter except its own, so while `tag=privacy`
    is selected the other tags still show how many events they have: a value's count is the
    `total` of the list with that facet's filter set to that value alone. `total` here is
    the list's total under all the filters. An event's year is the year of its date.
    With `facet_size=N` each facet keeps its N most frequent values (and any selected
    value), and `others` says how many values were left out and their summed counts.
    """
    with showing(params.pop("as_of", None), params.get("q")):
        size = params.pop("facet_size", None)
        params = with_parsed_search(params)
        facets = event_facets(params, filter_events)
        body = {"total": count_rows(counting_query(params)), "facets": facets}
    if size is not None:
        kept, others = {}, {}
        for name, values in facets.items():
            # A selected value stays listed past the top N: a filter UI shows what is ticked.
            selected = {str(value) for value in params.get(name) or []}
            kept[name] = values[:size] + [v for v in values[size:] if v["value"] in selected]
            rest = [v for v in values[size:] if v["value"] not in selected]
            others[name] = {"values": len(rest), "count": sum(v["count"] for v in rest)}
        body["facets"], body["others"] = kept, others
    return body


@events_blueprint.route(
    "/<string:slug>",
    parameters=[slug_path_parameter("event", "global-initiative-on-data-security-launch")],
)
@events_blueprint.arguments(EventDetailArgsSchema, location="query", as_kwargs=True)
@events_blueprint.response(200, EventDetailSchema)
@events_blueprint.alt_response(308, **REDIRECT_DOC)
@events_blueprint.alt_response(404, response="NOT_FOUND")
@events_blueprint.alt_response(406, response="NOT_ACCEPTABLE")
@events_blueprint.alt_response(410, response="GONE")
@events_blueprint.doc(responses={200: {"content": export_documentation()}})
@negotiates_itself
@varies_on_accept
def get_event(slug: str, **params):
    """Get one event with its actors, tags, citations and related events

    Citations carry the verbatim quotes that support the event; `related` lists typed
    relations in both directions (an incoming `responds_to` shows as `responded_to_by`).
    `fields=` returns only the fields named. The event alone is also served in every
    export format (`format=ics`, an `Accept` header, or `/api/v1/events/{slug}.ics`).
    An event removed from the timeline answers 410 Gone (naming the release that removed
    it and linking to its history); the old slug of a renamed event answers 308 Permanent
    Redirect to its new URL.
    """
    export = negotiated_format(params.get("format"))
    with showing(params.pop("as_of", None)) as shown:
        event = Event.get_or_none(Event.slug == slug)
        if event is not None:
            if export is not None:
                _no_fields_in_exports(params)
                return single_event_export_response(export, event)
            detail = sparse(event_detail(event), params.get("fields_"))
    if event is None:
        answer_missing("event", slug, shown)
    return detail, {"Vary": "Accept"}


def _no_fields_in_exports(params: dict) -> None:
    """`fields=` shapes JSON answers; an export ignoring it would mislead, so it is a 422."""
    if params.get("fields_"):
        reason = "Applies to JSON answers only, not to an export format (format= or Accept)."
        abort(422, invalid_params=[{"name": "fields", "in": "query", "reason": reason}])


@events_blueprint.route(
    "/<string:slug>.<any({formats}):extension>".format(formats=", ".join(EXPORT_FORMATS)),
    parameters=[
        slug_path_parameter("event", "global-initiative-on-data-security-launch"),
        {
            "in": "path",
            "name": "extension",
            "description": "The format: " + ", ".join(EXPORT_FORMATS) + ".",
            "example": "ics",
        },
    ],
)
@events_blueprint.arguments(EventExportArgsSchema, location="query", as_kwargs=True)
@events_blueprint.response(200, description="The event in the format.")
@events_blueprint.alt_response(308, **REDIRECT_DOC)
@events_blueprint.alt_response(404, response="NOT_FOUND")
@events_blueprint.alt_response(410, response="GONE")
@events_blueprint.doc(
    responses={200: {"content": {**export_documentation(), "application/json": {"schema": {}}}}}
)
@negotiates_itself  # the path names the format
@varies_on_accept
def export_event(slug: str, extension: str, **params):
    """Download one event in an export format

    `/api/v1/events/{slug}.ics` is a calendar holding this one event, `.geojson` a
    one-feature map, and so on for every export format; `as_of` as on the event. A
    removed event answers 410 Gone; a renamed one's old URL 308 to the same format at
    its new slug, so a subscribed calendar keeps getting a calendar.
    """
    with showing(params.pop("as_of", None)) as shown:
        event = Event.get_or_none(Event.slug == slug)
        if event is not None:
            return single_event_export_response(EXPORT_FORMATS[extension], event)
    answer_missing("event", slug, shown)


@events_blueprint.route(
    "/<string:slug>/history",
    parameters=[slug_path_parameter("event", "global-initiative-on-data-security-launch")],
)
@events_blueprint.arguments(NoQueryArgsSchema, location="query", as_kwargs=True)
@events_blueprint.response(200, HistorySchema)
@events_blueprint.alt_response(308, **REDIRECT_DOC)
@events_blueprint.alt_response(404, response="NOT_FOUND")
def get_event_history(slug: str):
    """Get every revision of an event, newest first

    Each revision names its release and time, and which fields it changed (old and new
    values). A removed event keeps its history; an old slug redirects to the new one's.
    """
    return history_response("event", slug)


exports_blueprint = Blueprint(
    "exports",
    __name__,
    url_prefix="/api/v1",
    description="The filtered timeline as TimelineJS, iCalendar, Atom, CSV or JSON-LD.",
)


@exports_blueprint.route(
    "/events.<any({formats}):extension>".format(formats=", ".join(EXPORT_FORMATS)),
    parameters=[
        {
            "in": "path",
            "name": "extension",
            "description": "The format: "
            + "; ".join(
                f"`{name}`: {export.description}" for name, export in EXPORT_FORMATS.items()
            ),
            "example": "csv",
        }
    ],
)
@exports_blueprint.arguments(EventSortArgsSchema, location="query", as_kwargs=True)
@exports_blueprint.response(200, description="Every event matching the filters, in the format.")
@exports_blueprint.alt_response(400, response="BAD_REQUEST")
@exports_blueprint.doc(
    responses={
        200: {
            "content": {
                **export_documentation(),
                "application/json": {"schema": {"type": "object"}},
            }
        }
    }
)
@negotiates_itself  # the path names the format
@varies_on_accept
def export_events(extension: str, **params):
    """Export the filtered timeline in another format

    Takes the same filters (and `q`, `sort`) as the event list and answers every matching
    event, not a page. TimelineJS output (`events.timelinejs`) loads in Knight Lab's
    TimelineJS as is; the iCalendar file spans the whole month or year of an event known
    only to that precision.
    """
    with showing(params.pop("as_of", None), params.get("q")):
        return export_response(EXPORT_FORMATS[extension], params)
