"""Installing what the benchmark needs on a fresh machine, skipping what is already there.

wrk and nginx come from Debian (apt-get, as root). Datasette and matplotlib go into their
own virtualenv, bench/.venv, pinned by bench/requirements.txt: they must not change the
versions the app's own .venv is tested with.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REQUIREMENTS = BENCH_DIR / "requirements.txt"
BENCH_VENV = BENCH_DIR / ".venv"
DEBIAN_TOOLS = {"wrk": "wrk", "nginx": "nginx"}  # command: package


def _has_command(name: str) -> bool:
    return bool(shutil.which(name) or Path("/usr/sbin", name).exists())


def ensure_debian_tools() -> None:
    """apt-get install the missing ones (root only; say how otherwise)."""
    missing = [package for command, package in DEBIAN_TOOLS.items() if not _has_command(command)]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(
            f"bench: missing {', '.join(missing)}; run: sudo apt-get install -y {' '.join(missing)}"
        )
    print(f"bench: installing {', '.join(missing)} from Debian", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


def ensure_bench_venv() -> Path:
    """bench/.venv with the pinned Datasette and matplotlib; rebuilt when the pins change."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = BENCH_VENV / ".requirements.sha256"
    if stamp.is_file() and stamp.read_text() == digest:
        return BENCH_VENV / "bin" / "python"
    print("bench: installing bench/requirements.txt into bench/.venv", flush=True)
    if not (BENCH_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    pip = [str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(digest)
    return BENCH_VENV / "bin" / "python"


def ensure_tools() -> Path:
    """Every tool in place; returns the bench virtualenv's python (for the chart)."""
    ensure_debian_tools()
    return ensure_bench_venv()
