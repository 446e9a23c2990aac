#!/bin/sh
# The container's start command: bring the schema and the data up to date, then become
# gunicorn (exec here, execv in `timeline-api serve`), so gunicorn is PID 1 and receives
# docker stop's SIGTERM. Both steps are idempotent and safe with several replicas.
# `timeline-start prepare` stops after the data: docker-compose.yml's one-shot `seed`
# service, run once before the replicas, which then start with `timeline-api serve`.
set -eu
# The database may be restarting too (`docker compose restart`, a host reboot): retry for
# about 30 s rather than exit at once; after that the restart policy takes over.
attempt=1
until timeline-api migrate; do
  [ "$attempt" -lt 10 ] || exit 1
  echo "timeline-start: migration failed (attempt $attempt of 10); retrying in 3 s" >&2
  attempt=$((attempt + 1))
  sleep 3
done
timeline-api seed "${SEEDS:-/app/seeds}"
if [ "${1:-}" = prepare ]; then
  exit 0
fi
exec timeline-api serve
