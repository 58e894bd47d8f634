# Production image of the portal: one image for every process (gunicorn,
# Celery worker and beat, migrations); docker-compose.yml picks the command.
# Settings come from environment variables at run time (see portal/settings.py).

# ---------------------------------------------------------------------------
# Shared base: paths and environment that the build and the runtime agree on.
# ---------------------------------------------------------------------------
FROM python:3.13-slim-bookworm AS base

ENV PYTHONUNBUFFERED=1 \
    PATH="/app/.venv/bin:${PATH}" \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

# ---------------------------------------------------------------------------
# Build stage: virtualenv from uv.lock, compiled translations, static files.
# ---------------------------------------------------------------------------
FROM base AS build

# msgfmt for compilemessages; needed at build time only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"

# Use the image's Python, never a downloaded one; install into /app/.venv.
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

# Dependencies first: this layer is reused until pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock .python-version ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# Neither command uses SECRET_KEY, so the image is built without one.
RUN python manage.py compilemessages --ignore=.venv \
    && python manage.py collectstatic --noinput

# ---------------------------------------------------------------------------
# Runtime stage: only what the processes need to run.
# ---------------------------------------------------------------------------
FROM base AS runtime

# At most two malloc arenas per process: glibc otherwise gives each gunicorn
# thread arenas of its own, which fragment and hold memory the process no
# longer uses (in the load test, workers held less and grew less with two).
ENV PYTHONDONTWRITEBYTECODE=1 \
    MALLOC_ARENA_MAX=2

# WeasyPrint's libraries for Debian (Pango with its FreeType/fontconfig backend,
# HarfBuzz subsetting for embedded fonts) and a fallback font family; the
# PostgreSQL client (15 on bookworm, as the db service) for manage.py backup/restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal \
        --shell /usr/sbin/nologin portal

# Code, virtualenv, compiled catalogues and static files stay owned by root
# (read-only for the app); only var/ is writable.
COPY --from=build /app /app
RUN mkdir -p /app/var/media && chown -R portal:portal /app/var

USER portal

# Uploaded files. The beat schedule and other runtime files go to /app/var.
VOLUME ["/app/var/media"]

EXPOSE 8000

# 2 cores: 3 worker processes with 2 threads each. Idle connections are kept
# 75 s (gunicorn's default, 2 s, closes them while clients are about to reuse
# them: the client gets a reset). GUNICORN_CMD_ARGS can add
# options not given here (e.g. --timeout); the options below win over it.
CMD ["gunicorn", "portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--worker-class", "gthread", \
     "--threads", "2", \
     "--keep-alive", "75", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
