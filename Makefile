# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := PORTAL_ENV=development $(BIN)/flask --app portal
GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: run test test-sqlite test-postgres lint install assets clean bench-check

run: install assets
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install assets
	$(BIN)/ruff check .
	$(MAKE) test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; \
	else echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped (.ci/run sets it)."; fi

test-sqlite:
	TEST_DATABASE_URL= $(BIN)/pytest

test-postgres:
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

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
