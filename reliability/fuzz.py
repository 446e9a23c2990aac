"""`make fuzz`: a long schemathesis run over HTTP against gunicorn, then the in-process one.

The HTTP run uses every check except positive_data_acceptance, which cannot know that a
cursor is an opaque token, that a date must exist in the calendar, or that `q` has a grammar,
and negative_data_rejection, which cannot know that an empty parameter counts as absent on
every endpoint (`?limit=` is accepted though the schema says integer).
tests/api/test_fuzz.py keeps both checks for every case they can judge.
"""

import os
import subprocess
import sys
from pathlib import Path

from reliability.server import REPO_ROOT, production_server

MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "300")
MAX_SECONDS = os.environ.get("FUZZ_MAX_SECONDS", "600")


def main() -> int:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with production_server(REPO_ROOT / "seeds") as server:
        http_run = subprocess.run(
            [
                str(schemathesis),
                "run",
                server.base_url + "/api/v1/openapi.json",
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance,negative_data_rejection",
                "--max-examples",
                MAX_EXAMPLES,
                "--max-time",
                MAX_SECONDS,
                "--workers",
                "2",
                "--no-color",
            ],
            cwd=REPO_ROOT,
        )
    in_process = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/api/test_fuzz.py"],
        cwd=REPO_ROOT,
        env={**os.environ, "FUZZ_MAX_EXAMPLES": MAX_EXAMPLES},
    )
    return http_run.returncode or in_process.returncode


if __name__ == "__main__":
    sys.exit(main())
