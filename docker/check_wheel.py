"""Build-time check: every file of the timeline_api source tree is in the installed package.

Data files (templates, static assets, migrations) reach the wheel only when pyproject.toml's
package-data names them; the editable install used in development hides an omission.
Usage: python -I docker/check_wheel.py timeline_api   (-I: never import from the sources)
"""

import sys
from importlib.util import find_spec
from pathlib import Path

source = Path(sys.argv[1])
installed = Path(find_spec(source.name).origin).parent
files = [p for p in sorted(source.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
missing = [str(p) for p in files if not (installed / p.relative_to(source)).is_file()]
if missing:
    sys.exit("Not in the wheel; add to package-data in pyproject.toml:\n" + "\n".join(missing))
# The seed loader's own data (country outlines) loads from the installed package.
from timeline_api.country_outlines import representative_points  # noqa: E402

if not representative_points():
    sys.exit("The installed package places no country: its outlines are missing.")
print(f"The installed package holds all {len(files)} files of {source}/.")
