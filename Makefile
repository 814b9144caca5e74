# Set-up in two commands: `make demo`, `make test`. Every target installs what it needs and is safe to re-run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-packages demo serve test test-fast test-browser lint format assets clean

install: $(STAMP)

# A venv that failed half-way (no pip in it) is made again rather than trusted.
$(STAMP): pyproject.toml
	@test -x $(BIN)/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); } || \
	  { PYTHON=$(PYTHON) bash scripts/system-packages.sh && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# Debian packages the PDF renderer, the tests and the demo need (chromium, poppler-utils, fonts, harfbuzz).
system-packages:
	@PYTHON=$(PYTHON) bash scripts/system-packages.sh

demo: install system-packages
	DEBUG=1 $(BIN)/concordat migrate --noinput
	DEBUG=1 $(BIN)/concordat demo load
	@echo
	@echo "Concordat is serving the demo at http://127.0.0.1:$(PORT)/ with its worker beside it (Ctrl-C stops both)"
	@DEBUG=1 $(BIN)/concordat worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(BIN)/concordat runserver 127.0.0.1:$(PORT) --noreload

# The whole suite on SQLite, the browser tests in a run of their own (their harness must allow Django's
# ORM beside Playwright's event loop, which no other test should inherit). Tests run in development mode
# (tests/settings.py). `.ci/run` adds a PostgreSQL pass.
test: install system-packages
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser"
	$(BIN)/python -m pytest -n 2 --dist loadfile -m browser

test-fast: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser" -q

test-browser: install system-packages
	$(BIN)/python -m pytest -n 2 --dist loadfile -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the vendored GOV.UK Frontend (version pinned to what crispy-forms-gds supports).
assets:
	rm -rf var/govuk-frontend && mkdir -p var/govuk-frontend
	cd var/govuk-frontend && npm pack --silent govuk-frontend@5.8.0 && tar xzf govuk-frontend-5.8.0.tgz
	$(PYTHON) scripts/vendor_govuk_frontend.py var/govuk-frontend

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
