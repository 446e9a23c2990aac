from timeline_api.api.tags.resources import tags_blueprint

__all__ = ["tags_blueprint"]
