# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := PORTAL_ENV=development $(BIN)/flask --app portal
GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: run test test-sqlite test-postgres lint install lock assets clean bench-check bench \
	bench-smoke bench-instructions wrk soak

run: install assets
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install assets
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(MAKE) test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; \
	else echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped (.ci/run sets it)."; fi

test-sqlite:
	TEST_DATABASE_URL= $(BIN)/pytest

test-postgres:
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

install: $(VENV)/.installed node_modules/.installed

# Exactly the versions in the lock, each checked against its hash; then the portal itself.
LOCK := requirements/lock.txt

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Rewrites the lock from pyproject.toml (runtime and dev dependencies). Versions already
# locked stay as they are unless asked for, e.g. make lock LOCK_ARGS="--upgrade-package flask"
# (or LOCK_ARGS=--upgrade for everything); tests/test_dependencies.py checks the two agree.
LOCK_ARGS ?=
lock: $(VENV)/.installed
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra dev \
		--generate-hashes --strip-extras --allow-unsafe --no-emit-find-links \
		--no-emit-index-url $(LOCK_ARGS) --output-file $(LOCK) pyproject.toml

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Built assets are copied into static/ and not committed.
assets: static/css/portal.css static/vendor/htmx.min.js static/vendor/govuk-frontend.min.js static/assets/.copied

static/css/portal.css: assets/scss/portal.scss node_modules/.installed
	npm run --silent build:css

static/vendor/htmx.min.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

static/vendor/govuk-frontend.min.js: node_modules/.installed
	mkdir -p static/vendor
	cp $(GOVUK)/govuk-frontend.min.js $@

static/assets/.copied: node_modules/.installed
	mkdir -p static/assets
	cp -R $(GOVUK)/assets/. static/assets/
	touch $@

clean:
	rm -rf $(VENV) node_modules static/vendor static/assets static/css

# Benchmark (issue 7): PostgreSQL database portal_bench, 20,000 candidates and 1,000,000
# evidence entries unless BENCH_CANDIDATES / BENCH_ENTRIES say otherwise. Seeded once;
# later runs reuse the data (drop the database to start again).
BENCH_SERVER ?= postgresql://postgres@127.0.0.1:5432
BENCH_DATABASE_URL ?= $(BENCH_SERVER)/portal_bench
BENCH_CANDIDATES ?= 20000
BENCH_ENTRIES ?= 1000000
BENCH_SECONDS ?= 20
BENCH_ENV = PORTAL_ENV=development PORTAL_INSTANCE_PATH=$(CURDIR)/instance/bench \
	DATABASE_URL=$(BENCH_DATABASE_URL)
BENCH_FLASK = $(BENCH_ENV) $(BIN)/flask --app portal

bench: install wrk
	$(BIN)/python -m bench.database $(BENCH_DATABASE_URL)
	$(BENCH_FLASK) db upgrade
	$(BENCH_ENV) $(BIN)/python -m bench.seed --skip-if-seeded --candidates $(BENCH_CANDIDATES) \
		--entries $(BENCH_ENTRIES)
	$(BIN)/python -m bench.run --database-url $(BENCH_DATABASE_URL) --seconds $(BENCH_SECONDS)
	$(BENCH_ENV) $(BIN)/python -m bench.packs

# Instructions per request under callgrind: the same on every run of the same code, for
# judging a change on a noisy machine (needs valgrind and the seeded bench database).
bench-instructions: install
	$(BIN)/python -m bench.instructions --database-url $(BENCH_DATABASE_URL)

# A few seconds per page on a tiny SQLite database: proves the benchmark still runs.
SMOKE_DIR := $(CURDIR)/instance/bench-smoke
SMOKE_ENV = PORTAL_ENV=development PORTAL_INSTANCE_PATH=$(SMOKE_DIR) \
	DATABASE_URL=sqlite:///$(SMOKE_DIR)/portal.db
SMOKE_FLASK = $(SMOKE_ENV) $(BIN)/flask --app portal

bench-smoke: install wrk
	rm -rf $(SMOKE_DIR) && mkdir -p $(SMOKE_DIR)
	$(SMOKE_FLASK) db upgrade
	$(SMOKE_ENV) $(BIN)/python -m bench.seed --candidates 20 --entries 500
	$(BIN)/python -m bench.run --database-url sqlite:///$(SMOKE_DIR)/portal.db --seconds 3 \
		--warmup 0 --floor-seconds 1 --users 5 --port 8799 --out $(SMOKE_DIR)/latest.json
	test -s $(SMOKE_DIR)/latest.json

# Soak (issue 24): SOAK_USERS people for SOAK_SECONDS against 127.0.0.1 under gunicorn on
# its own PostgreSQL database (seeded once, small); fails on any 5xx, connection error or
# acknowledged save missing afterwards. Writes bench/results/soak-latest.json.
SOAK_DATABASE_URL ?= $(BENCH_SERVER)/portal_soak
SOAK_USERS ?= 50
SOAK_SECONDS ?= 600
SOAK_ENV = PORTAL_ENV=development PORTAL_INSTANCE_PATH=$(CURDIR)/instance/soak \
	DATABASE_URL=$(SOAK_DATABASE_URL)

soak: install assets
	$(BIN)/python -m bench.database $(SOAK_DATABASE_URL)
	$(SOAK_ENV) $(BIN)/flask --app portal db upgrade
	$(SOAK_ENV) $(BIN)/python -m bench.seed --skip-if-seeded --candidates 200 --entries 20000
	$(BIN)/python -m bench.soak --database-url $(SOAK_DATABASE_URL) --users $(SOAK_USERS) \
		--seconds $(SOAK_SECONDS)

wrk:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmark..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
