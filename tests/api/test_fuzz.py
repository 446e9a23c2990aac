"""Property-based fuzzing of every operation from our own OpenAPI document (schemathesis).

Module-level WSGI form: schemathesis' fixture-based pytest loader fails on pytest 9.2.
Runs every built-in check: no 5xx, responses and headers as documented, 405s with Allow,
schema-valid requests accepted and schema-violating ones rejected.
"""

import os
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.support import FIXTURE_SEEDS
from timeline_api.app import create_app
from timeline_api.config import Config
from timeline_api.database import migrate_database
from timeline_api.seeds import load_seeds

# Per operation; `make fuzz` runs far more (FUZZ_MAX_EXAMPLES), against gunicorn too.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "40"))

_folder = tempfile.mkdtemp(prefix="timeline-fuzz-")
app = create_app(Config(DATABASE_URL=f"sqlite:///{_folder}/fuzz.sqlite3"))
with app.app_context():
    migrate_database()
    load_seeds(FIXTURE_SEEDS)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


# Values whose validity no schema can state: a cursor is an opaque token the API issues,
# a partial date must exist in the calendar and `to` must not precede `from`, and `q` has
# a grammar (an unbalanced quote is a documented 400), `since` is a cursor too, and `as_of`
# must name a release that exists (one in the future is a documented 422). A generated
# value of these may rightly be rejected, so only for them is the "schema-valid requests are
# accepted" check left out; every other check still runs on those cases, and all checks on
# the others.
SEMANTIC_PARAMETERS = {"cursor", "from", "to", "q", "since", "as_of"}


def pages_an_export(query: dict | None) -> bool:
    """`limit`/`cursor` with `format=csv` is a 422 (an export holds every event): a rule
    across two parameters, which a schema cannot state."""
    query = query or {}
    return query.get("format") not in (None, "", "json") and bool({"limit", "cursor"} & set(query))


def sends_an_empty_value(query: dict | None) -> bool:
    """An empty parameter counts as absent on every endpoint (QueryParser), so an empty
    value the schema does not admit (`?limit=`, `?type=`) is rightly accepted. OpenAPI's
    `allowEmptyValue` would say so, but it is deprecated and schemathesis then
    misjudges array parameters."""
    values = [
        v
        for value in (query or {}).values()
        for v in (value if isinstance(value, list) else [value])
    ]
    return "" in values


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_honours_its_documentation(case):
    excluded = []
    if SEMANTIC_PARAMETERS & set(case.query or {}) or pages_an_export(case.query):
        excluded.append(positive_data_acceptance)
    if sends_an_empty_value(case.query):
        excluded.append(negative_data_rejection)
    # The WSGI transport sends requests' default Accept-Encoding but, unlike requests over
    # HTTP, does not decode the answer: ask for identity here (test_compression.py checks
    # the codings; `make fuzz` runs over HTTP with them).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=excluded)
