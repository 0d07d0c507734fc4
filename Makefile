# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg constraints.txt | sha256sum | cut -c1-12)
# axe-core, the accessibility engine the browser tests inject into every page (git-ignored).
AXE_VERSION := 4.14.1
AXE := .cache/axe-core-$(AXE_VERSION)/node_modules/axe-core/axe.min.js

.PHONY: run test lint format bench-pdf demo-record-png system-packages venv browser-tools clean

run: venv
	$(BIN)/python -m careercredit.demo

# The suite runs in one process per core (pytest-xdist); each has its own database.
test: venv browser-tools
	$(BIN)/python -m pytest -n auto --dist loadfile

bench-pdf: venv
	$(BIN)/python scripts/bench_pdf.py
	$(BIN)/python scripts/bench_signing.py
	$(BIN)/python scripts/bench_jobs.py

# Seed a large university (cached in instance/bench/), serve it with gunicorn and measure
# the pages on SQLite, and on PostgreSQL when CAREERCREDIT_BENCH_POSTGRES_URL is set.
# BENCH_ARGS=--quick measures the small scale only, briefly. Not part of `make test`.
.PHONY: bench bench-tools
bench: venv bench-tools
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

bench-tools:
	@scripts/install-system-packages bench

# Load without loss, full size: 100 students log hours and 20 supervisors verify them
# for 60 s on gunicorn, against PostgreSQL (careercredit_load on 127.0.0.1, recreated).
# LOAD_ARGS="--database-url sqlite:///instance/load.db --seconds 20" and so on; see --help.
# Not part of `make test`, which runs the same load small (tests/load/).
.PHONY: load-hours
load-hours: venv
	$(BIN)/python scripts/load_hours.py $(LOAD_ARGS)

# The README's picture of the demo's official record (needs slapd and pdftoppm).
demo-record-png: venv
	$(BIN)/python scripts/demo_record_png.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/bandit --quiet --recursive --severity-level medium careercredit config.py wsgi.py

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

system-packages:
	@scripts/install-system-packages

venv: system-packages $(STAMP)

browser-tools: system-packages $(AXE)

$(AXE):
	npm install --prefix .cache/axe-core-$(AXE_VERSION) --no-audit --no-fund --silent --save-exact axe-core@$(AXE_VERSION)

$(STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .cache
