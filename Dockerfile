# The timeline API image: gunicorn serving the app, seeded from seeds/ at every start.
#   docker build -t timeline-api .
#   docker run -p 127.0.0.1:8000:8000 -v timeline-data:/data timeline-api   (SQLite in /data)
# docker-compose.yml runs it against PostgreSQL. Classic builder on purpose: no BuildKit syntax.

# --- builder: a self-contained virtualenv holding the pinned dependencies and the app ---
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first, from the lock alone, so code changes reuse this layer.
COPY requirements/runtime.lock requirements/runtime.lock
RUN pip install --no-cache-dir -r requirements/runtime.lock

# A real wheel (not an editable install) and a check that it holds every file of the
# package, so data files missing from pyproject.toml's package-data fail the build; so does
# a dependency pyproject.toml names but the lock does not pin (pip check). pip and
# setuptools then leave the virtualenv: installers have no business in the runtime image.
COPY pyproject.toml README.md ./
COPY timeline_api timeline_api
COPY docker/check_wheel.py docker/check_wheel.py
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /tmp/wheels . \
    && pip install --no-cache-dir --no-deps /tmp/wheels/timeline_api-*.whl \
    && pip check \
    && python -I docker/check_wheel.py timeline_api \
    && python -m pip uninstall --yes --quiet pip setuptools

# --- runtime: the base image plus the virtualenv and the seeds; no compilers, no tests ---
FROM python:3.11-slim

# A fixed, unprivileged uid/gid; /data is where the default SQLite database lives, owned by
# that user so a named volume mounted there starts out writable.
RUN groupadd --system --gid 10001 timeline \
    && useradd --system --no-log-init --uid 10001 --gid timeline --home-dir /app \
       --no-create-home --shell /usr/sbin/nologin timeline \
    && mkdir -p /data \
    && chown timeline:timeline /data

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# Owned by root: the app only reads its seeds and start script.
COPY seeds seeds
COPY docker/start.sh /usr/local/bin/timeline-start

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=sqlite:////data/timeline.sqlite3 \
    SEEDS=/app/seeds

# Numeric, so runtimes can verify the user is not root without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000

# Ready means the database answers and holds the seeded data (slim images have no curl).
# No proxy: a proxy in the environment must not intercept a loopback probe.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.build_opener(r.ProxyHandler({})).open('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=4)"]

# Last, so a new revision does not invalidate the cached layers above:
#   docker build --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" .
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="timeline-api" \
      org.opencontainers.image.description="A curated, sourced timeline of data-sovereignty events, served as a documented REST API." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION"

# Migrates, seeds, then execs gunicorn, which becomes PID 1 and gets docker stop's SIGTERM.
# CMD, not ENTRYPOINT: `docker run IMAGE timeline-api check-seeds` runs only that command.
CMD ["timeline-start"]
