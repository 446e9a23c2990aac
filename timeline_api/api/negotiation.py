"""Content negotiation, one rule for every endpoint: answer a media type the client
accepts, or a 406 problem naming those on offer.

Every view of an API blueprint serves JSON only unless it says otherwise: the blueprint
checks `Accept` before the view runs (see Blueprint in this package). A view that serves
more (the event list and its exports) is marked `@negotiates_itself` and calls
`negotiate()` with its own offers.
"""

from collections.abc import Callable, Sequence

from flask import current_app, request
from flask_smorest import abort

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


def negotiate(offers: Sequence[str]) -> str:
    """The best of `offers` for the request's Accept header (the first without one); 406 if none."""
    if not request.headers.get("Accept"):
        return offers[0]
    # The first offer wins ties, so "*/*" and browsers' Accept headers get it.
    best = request.accept_mimetypes.best_match(offers)
    if best is None:
        abort(
            406,
            message="None of the Accept header's media types is served here. Available: "
            + ", ".join(offers)
            + ".",
        )
    return best


def negotiates_itself(view: Callable) -> Callable:
    """Mark a view that calls negotiate() itself, with more than JSON on offer."""
    view.negotiates_itself = True
    return view


def varies_on_accept(view: Callable) -> Callable:
    """Mark a view whose answers say `Vary: Accept`, so that a 304 decided without running
    it (caching.not_modified) says so too."""
    view.varies_on_accept = True
    return view


def answers_vary_on_accept(endpoint: str | None) -> bool:
    """Whether the view of `endpoint` is marked varies_on_accept."""
    return getattr(current_app.view_functions.get(endpoint), "varies_on_accept", False)


def require_json_acceptable() -> None:
    """Before a JSON-only view: a client that accepts no JSON gets a 406, not JSON anyway."""
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "negotiates_itself", False):
        return
    negotiate([JSON, PROBLEM_JSON])
