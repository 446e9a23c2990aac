"""`make soak`: sustained concurrent load on the production server, bounded in time.

Reports the answers that were not 2xx/304, socket errors, and how each worker's resident
memory moved over the run (first tenth vs last tenth of the samples). Loopback only.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from reliability.server import REPO_ROOT, production_server

SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "16"))
MAX_MEMORY_GROWTH = 1.10  # "flat": under 10% between the start and the end of the run
RESULTS = REPO_ROOT / "reliability" / "results"


def _rss_kib(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) if match else None


def _wrk_summary(output: str) -> dict:
    def number(pattern: str) -> int:
        match = re.search(pattern, output)
        return int(match.group(1)) if match else 0

    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": number(r"(\d+) requests in"),
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "non_2xx_3xx": number(r"Non-2xx or 3xx responses: (\d+)"),
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
        "latency_p50": re.search(r"50%\s+(\S+)", output).group(1),
        "latency_p99": re.search(r"99%\s+(\S+)", output).group(1),
    }


def main() -> int:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    samples: dict[int, list[int]] = {}
    done = threading.Event()
    with production_server(REPO_ROOT / "seeds") as server:

        def sample() -> None:
            while not done.is_set():
                for pid in server.worker_pids():
                    rss = _rss_kib(pid)
                    if rss:
                        samples.setdefault(pid, []).append(rss)
                time.sleep(1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        run = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{SECONDS}s",
                "--latency",
                "-s",
                str(REPO_ROOT / "reliability" / "soak.lua"),
                server.base_url,
            ],
            capture_output=True,
            text=True,
            timeout=SECONDS + 60,
        )
        done.set()
        sampler.join()
    print(run.stdout)
    summary = _wrk_summary(run.stdout)
    memory = {}
    for pid, values in samples.items():
        tenth = max(1, len(values) // 10)
        start, end = statistics.median(values[:tenth]), statistics.median(values[-tenth:])
        memory[str(pid)] = {"start_kib": start, "end_kib": end, "growth": round(end / start, 3)}
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": SECONDS,
        "connections": CONNECTIONS,
        **summary,
        "workers": memory,
        "cpus": os.cpu_count(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak-latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    failed = (
        summary["non_2xx_3xx"]
        or summary["socket_errors"]
        or any(worker["growth"] > MAX_MEMORY_GROWTH for worker in memory.values())
    )
    print("soak: FAILED" if failed else "soak: held (no errors, flat memory)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
