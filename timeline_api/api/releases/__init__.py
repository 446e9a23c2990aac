from timeline_api.api.releases.resources import changes_blueprint, releases_blueprint

__all__ = ["changes_blueprint", "releases_blueprint"]
