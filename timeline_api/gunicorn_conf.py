"""gunicorn settings for `timeline-api serve` (environment variables override)."""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
accesslog = "-"
errorlog = "-"
# Longer request lines are refused by gunicorn with its own page; keep it generous.
limit_request_line = 8190
# gunicorn 27 opens a control socket in the home folder by default; a web server needs none.
control_socket_disable = True
