# Jiaoyun: `make demo` serves the synthetic Shidian County; `make test` runs every check CI runs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/lock.txt | md5sum | cut -c1-12)
# The exact versions (with hashes) every machine installs; README "Updating dependencies" says how to renew them.
LOCK := requirements/lock.txt
BENCH_LOCK := requirements/lock-bench.txt
PG_URL ?= postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun
# The test run does not wait for each commit to reach the disk (a test database is thrown away anyway).
PG_TEST_URL ?= $(PG_URL)?options=-c%20synchronous_commit%3Doff
DEBIAN_PACKAGES := chromium fonts-noto-cjk libharfbuzz-subset0 gettext poppler-utils
DEMO_SCALE ?= 1
PYTEST_WORKERS ?= 2
RALPH_VENV := .venv-ralph
BENCH_LRS_URL ?= postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jy_bench_learning

.PHONY: demo test setup system-deps postgres lint typecheck migrations-check test-sqlite test-postgres test-browser \
        migrate demo-data serve messages bench bench-quick bench-deps bench-lrs-db clean

## make demo: set up, migrate, load the synthetic county (once), serve at http://127.0.0.1:8000
demo: setup migrate demo-data
	@$(PY) manage.py demo_logins
	@# Without DEBUG, as in production: errors are the platform's own pages. --insecure serves the static files;
	@# the session cookie goes over plain HTTP on this machine only.
	SESSION_COOKIE_SECURE=0 $(PY) manage.py runserver --insecure 127.0.0.1:8000

## make test: set up, lint, type-check, migration check, tests on SQLite and PostgreSQL, browser tests
## (the three static checks run side by side, each on one core: docs/operations.md, "The test run")
test: setup system-deps postgres
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint typecheck migrations-check
	@$(MAKE) --no-print-directory test-sqlite test-postgres test-browser

setup: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r $(LOCK)
	$(PY) -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then echo "installing Debian packages:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else echo "missing Debian packages (install as root):$$missing"; exit 1; fi; fi

postgres:
	@if ! pg_lsclusters -h 2>/dev/null | grep -q "^15 *main.*online"; then \
	  if [ "$$(id -u)" = "0" ]; then pg_ctlcluster 15 main start; else echo "PostgreSQL 15 is down: run pg_ctlcluster 15 main start"; exit 1; fi; fi
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
	@if [ "$$(id -u)" = "0" ]; then \
	  su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='jiaoyun'\"" | grep -q 1 || \
	  su postgres -c "psql -q -c \"CREATE ROLE jiaoyun LOGIN PASSWORD 'jiaoyun' CREATEDB\""; \
	  su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='jiaoyun'\"" | grep -q 1 || \
	  su postgres -c "psql -q -c \"CREATE DATABASE jiaoyun OWNER jiaoyun\""; fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy jiaoyun config

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: setup
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) jiaoyun

test-postgres: setup postgres
	DATABASE_URL='$(PG_TEST_URL)' $(VENV)/bin/pytest -n $(PYTEST_WORKERS) jiaoyun

test-browser: setup system-deps
	@# A file, not SQLite's shared in-memory database: the live server answers a page and its HTMX requests at once.
	DATABASE_URL=sqlite:///$(CURDIR)/var/e2e.sqlite3 TEST_DATABASE_NAME=$(CURDIR)/var/e2e-test.sqlite3 \
	  $(VENV)/bin/pytest -n 2 --dist loadfile e2e

migrate: setup
	$(PY) manage.py migrate --noinput

demo-data: setup
	$(PY) manage.py demo_data --scale $(DEMO_SCALE) --seed 42 --if-empty

messages: setup
	$(PY) manage.py compilemessages --ignore=.venv

## make bench: every benchmark in bench/ (minutes to an hour) in one table (bench/run_all.py), written into
## docs/benchmarks.md; the LRS one on its own PostgreSQL database (jy_bench_learning, topped up to 1 M statements)
## against Ralph in a venv of its own. make bench-quick: each at its small scale (--quick), to check that it runs.
BENCH_ARGS ?=
bench: setup postgres bench-deps bench-lrs-db
	@test -x $(RALPH_VENV)/bin/ralph || { $(PYTHON) -m venv $(RALPH_VENV) && \
	  $(RALPH_VENV)/bin/pip install -q "ralph-malph[cli,lrs]==5.1.0"; }
	$(PY) bench/run_all.py --env lrs:DATABASE_URL=$(BENCH_LRS_URL) --args lrs=--ralph-bin=$(RALPH_VENV)/bin/ralph $(BENCH_ARGS)

bench-quick: setup postgres bench-deps bench-lrs-db
	$(PY) bench/run_all.py --quick --env lrs:DATABASE_URL=$(BENCH_LRS_URL) \
	  $$(test -x $(RALPH_VENV)/bin/ralph && echo --args lrs=--ralph-bin=$(RALPH_VENV)/bin/ralph) $(BENCH_ARGS)

bench-deps: setup
	$(PY) -m pip install -q --require-hashes -r $(BENCH_LOCK)

bench-lrs-db: postgres
	@psql $(PG_URL) -tAc "SELECT 1 FROM pg_database WHERE datname='$(notdir $(BENCH_LRS_URL))'" | grep -q 1 || \
	  psql $(PG_URL) -qc "CREATE DATABASE $(notdir $(BENCH_LRS_URL))"
	DATABASE_URL=$(BENCH_LRS_URL) $(PY) manage.py migrate -v0

clean:
	rm -rf $(VENV) $(RALPH_VENV) var/*.sqlite3* .mypy_cache .ruff_cache
