# The two commands: `make run` (serve the portal with demo data) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# uv comes from PyPI when the machine does not have it yet.
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test lint audit format messages check-deploy browser bench bench-smoke bench-tools loadtest css clean backup restore

help:
	@echo "make run     install, migrate, load demo data, serve http://$(HOST):$(PORT) with a Celery worker"
	@echo "make test    the whole test suite (unit and browser); PostgreSQL when DATABASE_URL is set"
	@echo "make lint    ruff check and format check"
	@echo "make audit   bandit: fails on any medium or high finding in the portal's code (docs/security.md)"
	@echo "make format  ruff fix and format"
	@echo "make messages  refresh the translation catalogues after changing UI strings"
	@echo "make bench   the benchmark suite on PostgreSQL (docs/performance.md); bench-smoke: its CI check"
	@echo "make loadtest  100 locust users for 10 minutes on the large data set (RUN_TIME=30m: the memory soak)"
	@echo "make backup  the database and media in var/backups/ctcc-*.tar.gz; make restore BACKUP=path [FORCE=1]"

.uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: .uv
	@$(UV) sync --frozen --quiet
	@for po in portal/locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "$${po%.po}.mo" "$$po"; done

run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving http://$(HOST):$(PORT)  (emails are written to var/mail/; Ctrl-C stops everything)"
	@# Ctrl-C stops runserver; the trap then stops the worker (SIGTERM is
	@# Celery's warm shutdown) and waits for it, so nothing is left behind.
	@$(VENV)/bin/celery -A portal worker --beat --loglevel=INFO --concurrency=2 & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium"; exit 1; fi; \
	fi

test: install browser
	$(VENV)/bin/pytest

# The benchmarks need PostgreSQL (DATABASE_URL names the server; the default is
# postgres://ctcc:ctcc@127.0.0.1:5432/ctcc, whose role may create databases), wrk and Redis.
bench-tools:
	@if ! command -v wrk >/dev/null || ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk redis-server >/dev/null; \
	  else echo "The benchmark needs wrk and Redis: sudo apt-get install -y wrk redis-server"; exit 1; fi; \
	fi

bench: install bench-tools browser
	$(PY) bench/load.py --lighthouse
	$(PY) bench/load.py --cold
	DEBUG=1 $(PY) bench/guidelines_pdf.py
	DEBUG=1 $(PY) bench/report_pdf.py

bench-smoke: install bench-tools
	$(PY) bench/load.py --smoke

# Issue 9's load test (bench/soak.py): reading, searching and writing users,
# gunicorn and a Celery worker as in production, the web workers' memory sampled.
loadtest: install bench-tools
	$(PY) bench/soak.py --run-time $(or $(RUN_TIME),10m)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Security lint of the shipped code (settings in pyproject.toml's [tool.bandit]).
audit: install
	$(VENV)/bin/bandit -c pyproject.toml -r portal forum experts guidelines --severity-level medium --confidence-level low -q

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	cd portal && ../$(PY) ../manage.py makemessages --locale=it --locale=en --no-obsolete \
	  --ignore='.venv/*' && cd ..

# The first-visit assets built from the theme: the purged Bootstrap Italia
# stylesheet, the split web fonts (+ static/css/fonts.css), the icon sprite.
css: install
	@command -v npm >/dev/null 2>&1 || { echo "make css needs Node.js and npm"; exit 1; }
	cd portal/frontend && npm ci --silent
	node portal/frontend/purge-css.mjs "$$($(PY) -c 'import bootstrap_italia_template as t, pathlib; print(pathlib.Path(t.__file__).parent / "static")')"
	$(PY) portal/frontend/subset_fonts.py
	$(PY) portal/frontend/build_sprite.py

# The database (pg_dump, or SQLite's backup API) and MEDIA_ROOT in one archive
# with a manifest of checksums: var/backups/ctcc-YYYYMMDD-HHMMSS.tar.gz.
# In docker compose: docker compose exec web python manage.py backup
backup:
	$(PY) manage.py backup

# Restores into the configured database (DATABASE_URL) and MEDIA_ROOT; refuses
# to overwrite a database with tables unless FORCE=1.
restore:
	@if [ -z "$(BACKUP)" ]; then echo "Usage: make restore BACKUP=var/backups/ctcc-YYYYMMDD-HHMMSS.tar.gz [FORCE=1]"; exit 2; fi
	$(PY) manage.py restore "$(BACKUP)" $(if $(filter 1 yes true,$(FORCE)),--force,)

clean:
	rm -rf var $(VENV) .pytest_cache
