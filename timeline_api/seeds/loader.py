"""The public entry points: check the seeds, or load them into the database."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from timeline_api.releases.recording import SlugsRenamedAway
from timeline_api.seeds.dataset import read_dataset
from timeline_api.seeds.files import SeedProblem
from timeline_api.seeds.parsed import parsed_files
from timeline_api.seeds.quotes import check_quotes
from timeline_api.seeds.sync import LoadReport, first_release_writer, write_dataset


class SeedError(Exception):
    """The seeds are invalid; nothing was written."""

    def __init__(self, problems: list[SeedProblem]):
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the seeds:\n{lines}")


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """A load makes millions of small dicts, lists and strings and frees them by reference
    counting; none form cycles, yet the cyclic collector would rescan them all again and
    again as they pile up (a third of a 100,000-event load). It is switched back on after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_seeds(seeds_dir: Path | str, articles_dir: Path | str | None = None) -> list[SeedProblem]:
    """Every problem in the seeds; with `articles_dir`, also quotes not found verbatim."""
    with _cycle_collector_paused():
        dataset, problems = read_dataset(Path(seeds_dir))
        if articles_dir is not None:
            problems.extend(check_quotes(dataset, Path(articles_dir)))
    return problems


def load_seeds(seeds_dir: Path | str, message: str | None = None) -> LoadReport:
    """Validate the seeds, then make the database match them in one transaction; a load
    that changes anything makes a release (with `message`, if given)."""
    with _cycle_collector_paused():
        with first_release_writer() as writer:
            if writer is not None:  # an empty database: written while the files are read
                dataset, problems = read_dataset(Path(seeds_dir), on_events=writer.write)
                if problems:
                    raise SeedError(problems)  # and the transaction is rolled back
                return writer.finish(dataset, message)
        dataset, problems = read_dataset(Path(seeds_dir), known=parsed_files())
        if problems:
            raise SeedError(problems)
        try:
            return write_dataset(dataset, message)
        except SlugsRenamedAway as error:  # known only from the history: rolled back
            raise SeedError(
                [
                    dataset.files[record["_file"]].problem((*record["_path"], "slug"), reason)
                    for record, reason in error.reused
                ]
            ) from None
