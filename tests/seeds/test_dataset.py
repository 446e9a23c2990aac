"""The processes that read event files in parallel end with the loader that started them."""

import os
import signal
import subprocess
import sys
import time

from tests.support import REPO_ROOT

# A loader stand-in: a pool with the loader's worker set-up, busy on a long task.
POOL_OWNER = """
import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor
from timeline_api.seeds.dataset import _start_worker

if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker) as pool:
        worker = pool.submit(__import__("os").getpid).result()
        print(worker, flush=True)
        pool.submit(time.sleep, 120)
        time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) has ended too.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_read_workers_end_when_the_loader_is_killed(tmp_path):
    script = tmp_path / "owner.py"
    script.write_text(POOL_OWNER)
    owner = subprocess.Popen(
        [sys.executable, str(script)], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    worker = int(owner.stdout.readline())
    assert _alive(worker)

    owner.send_signal(signal.SIGKILL)
    owner.wait(timeout=10)

    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)
