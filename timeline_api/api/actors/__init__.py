from timeline_api.api.actors.resources import actors_blueprint

__all__ = ["actors_blueprint"]
