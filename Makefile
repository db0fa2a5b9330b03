# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install assets bench load chaos clean check-python weasyprint-libraries

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'

$(BIN)/activate: | check-python
	$(PYTHON) -m venv $(VENV)

# WeasyPrint (the board report's PDF) needs Pango and fonts from Debian: install them once, as
# .ci/run does, where they are missing (root, or sudo).
weasyprint-libraries:
	@missing=""; for package in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation; do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian's$$missing"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y $$missing >/dev/null; fi

# Reinstall when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench,lint]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: weasyprint-libraries $(VENV)/.installed node_modules/.installed

assets: node_modules/.installed

run: export SERVICE_BASE_URL ?= http://$(HOST):$(PORT)
run: install
	$(BIN)/perinatal setup --demo --print-sign-ins
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl+C stops the server, the background worker and the scheduler)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/perinatal db_worker --queue-name '*' --interval 1 >var/worker.log 2>&1 & \
	  $(BIN)/perinatal scheduler >var/scheduler.log 2>&1 & \
	  $(BIN)/perinatal serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

# The floor plan (docs/adr/0018-floor-plan.md), one style for Python and for templates.
lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check perinatal tests benchmarks
	$(BIN)/ruff format --check perinatal tests benchmarks
	$(BIN)/djlint --check perinatal/templates
	$(BIN)/djlint --lint perinatal/templates

# Applies the style (then `make lint` passes on style).
format: install
	$(BIN)/ruff check --fix perinatal tests benchmarks
	$(BIN)/ruff format perinatal tests benchmarks
	$(BIN)/djlint --reformat perinatal/templates

bench: install
	$(BIN)/python -m benchmarks.run

# Loopback load at 10, 50 and 100 clients on gunicorn and PostgreSQL (README "Load and chaos");
# LOAD_ARGS e.g. --seconds 5. Fails if any request failed.
load: install
	$(BIN)/python -m benchmarks.load $(LOAD_ARGS)

# Kills the web server and the worker mid-work; fails if anything was lost or duplicated.
chaos: install
	$(BIN)/python -m benchmarks.chaos $(CHAOS_ARGS)

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/static
