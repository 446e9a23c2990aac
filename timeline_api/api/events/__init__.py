from timeline_api.api.events.resources import events_blueprint, exports_blueprint

__all__ = ["events_blueprint", "exports_blueprint"]
