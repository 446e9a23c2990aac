#!/bin/sh
# Replace the running API replicas with new ones from the current image and configuration,
# one at a time, so the proxy always has replicas to send requests to (README, Deployment).
#
#   docker compose build && docker compose run --rm seed && docker/roll-api.sh
#
# For each old replica: start one more replica (`up --scale api=N+1 --no-recreate`, which
# creates it from the new image and leaves the others alone), wait until it is healthy,
# then stop the old one (gunicorn finishes its requests; the proxy retries the connections
# it refuses on another replica) and remove it. Compose options (-p, -f) and variables
# come from the environment, as for any `docker compose` command: COMPOSE_PROJECT_NAME,
# COMPOSE_FILE. HEALTH_TIMEOUT (seconds, default 120) bounds the wait for each new replica.
set -eu
compose() { docker compose "$@"; }
timeout=${HEALTH_TIMEOUT:-120}

old=$(compose ps -q api)
[ -n "$old" ] || { echo "roll-api: no api replica is running; use docker compose up" >&2; exit 1; }
count=$(echo "$old" | wc -l)

healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = healthy ]; }

for replica in $old; do
  compose --progress quiet up -d --no-deps --no-recreate --no-build --scale "api=$((count + 1))" api
  new=$(compose ps -q api | grep -vxF "$old" || true)
  for candidate in $new; do
    waited=0
    until healthy "$candidate"; do
      [ "$waited" -lt "$timeout" ] || { echo "roll-api: $candidate not healthy after ${timeout}s; $replica left running" >&2; exit 1; }
      sleep 1
      waited=$((waited + 1))
    done
  done
  echo "roll-api: replacing $(docker inspect -f '{{.Name}}' "$replica")"
  docker stop "$replica" >/dev/null
  docker rm "$replica" >/dev/null
  old=$(echo "$old" | grep -vxF "$replica" || true)
done
echo "roll-api: $count replica(s) now run $(docker inspect -f '{{.Config.Image}}' "$(compose ps -q api | head -1)")"
