"""Seed files: validation and loading. `load_seeds` is the function everything calls."""

from timeline_api.seeds.files import SeedProblem
from timeline_api.seeds.loader import SeedError, check_seeds, load_seeds
from timeline_api.seeds.sync import LoadReport

__all__ = ["LoadReport", "SeedError", "SeedProblem", "check_seeds", "load_seeds"]
