from timeline_api.api.dataset.resources import dataset_blueprint

__all__ = ["dataset_blueprint"]
