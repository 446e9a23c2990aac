from timeline_api.api.sources.resources import sources_blueprint

__all__ = ["sources_blueprint"]
