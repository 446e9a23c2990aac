"""gunicorn settings for `timeline-api serve` (environment variables override)."""

import glob
import os
import shutil
import tempfile

from timeline_api import gunicorn_errors
from timeline_api.config import Config

# gunicorn's own rejections (request line or headers over the limits below, malformed HTTP)
# are answered as problem documents like every other error, not as HTML pages.
gunicorn_errors.install()

# Workers share their Prometheus samples through files in this folder. It must be in the
# environment before a worker imports prometheus_client, which happens after the fork (no
# preload_app): gunicorn reads this module first, in the master.
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_metrics_dir_is_ours = not os.environ.get(MULTIPROCESS_DIR_VARIABLE)
if _metrics_dir_is_ours:
    os.environ[MULTIPROCESS_DIR_VARIABLE] = tempfile.mkdtemp(prefix="timeline-api-metrics-")


# Read and checked in one place (config.py); `timeline-api serve` has already stopped with
# the variable's name if any of them is invalid.
_config = Config.from_env()
workers = _config.WEB_CONCURRENCY
threads = _config.GUNICORN_THREADS
timeout = _config.GUNICORN_TIMEOUT
graceful_timeout = _config.GUNICORN_GRACEFUL_TIMEOUT
keepalive = _config.GUNICORN_KEEPALIVE
# The app writes one JSON access line per request (timeline_api/observability): gunicorn's
# own access log would say it twice. Its error log (start-up, worker deaths) stays on stderr.
accesslog = None
errorlog = "-"
loglevel = _config.LOG_LEVEL.lower()
# Longer request lines get a 414 problem and larger header sections a 431 (gunicorn_errors).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# gunicorn 27 opens a control socket in the home folder by default; a web server needs none.
control_socket_disable = True
# Worker heartbeats in shared memory: a container's overlay filesystem can stall them, and
# its root filesystem may be read-only.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server) -> None:
    """Start from zero: samples left by an earlier run in a reused folder would be summed in."""
    for stale in glob.glob(os.path.join(os.environ[MULTIPROCESS_DIR_VARIABLE], "*.db")):
        os.remove(stale)


def child_exit(server, worker) -> None:
    """Let prometheus_client drop the live gauges of a worker that is gone."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """Remove the metrics folder this module made (never one the operator chose)."""
    if _metrics_dir_is_ours:
        shutil.rmtree(os.environ[MULTIPROCESS_DIR_VARIABLE], ignore_errors=True)
