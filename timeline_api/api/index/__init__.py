"""GET /api/v1: the API's front door, listing every resource with its absolute URL."""

from timeline_api.api.index.resources import index_blueprint
from timeline_api.api.index.trailing_slash import register_trailing_slash_redirects

__all__ = ["index_blueprint", "register_trailing_slash_redirects"]
