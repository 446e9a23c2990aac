"""Which timeline_api a run measures: the working tree, or a snapshot of a git ref.

By default the benchmark runs the code in the working tree. With BENCH_REF=<ref> (HEAD,
a branch, a commit) it extracts that ref's timeline_api/ with `git archive`, which reads
the repository and writes nothing to it, and runs the loader, the server and the profiler
on it: edits made while a run is under way cannot leak into it, and two refs can be
compared (before/after an optimisation) on the same data.
"""

import io
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "bench" / "data" / "app"


@dataclass(frozen=True)
class AppSource:
    """A folder holding the timeline_api package to import, and how to name it."""

    root: Path
    label: str

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a child process that must import this timeline_api (and bench)."""
        env = dict(os.environ)
        # The child's working directory is `root` too: sys.path[0] must not be the tree.
        env["PYTHONPATH"] = os.pathsep.join([str(self.root), str(ROOT)])
        env.update(extra)
        return env


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True).stdout


def working_tree() -> AppSource:
    """The timeline_api of this checkout, as it is now."""
    dirty = bool(_git("status", "--porcelain", "--", "timeline_api").strip())
    commit = _git("rev-parse", "--short", "HEAD").decode().strip()
    return AppSource(ROOT, f"working tree at {commit}" + (" + uncommitted changes" * dirty))


def app_source(ref: str | None = None) -> AppSource:
    """The working tree, or a snapshot of `ref` (default BENCH_REF; extracted once per
    commit)."""
    ref = ref or os.environ.get("BENCH_REF")
    if not ref:
        return working_tree()
    commit = _git("rev-parse", "--short", f"{ref}^{{commit}}").decode().strip()
    folder = SNAPSHOTS / commit
    if not (folder / "timeline_api" / "__init__.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = _git("archive", "--format=tar", commit, "timeline_api")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
    return AppSource(folder, f"{ref} ({commit})")
