# Two commands on a fresh machine (python3, git, make):
#   make build   # .venv + pinned deps, build tables, validate, DuckDB, notebook, report
#   make test    # .venv + pinned deps, ruff, pytest
#   make verify  # rebuild into a temporary folder and compare with the published package
#   make check   # Frictionless + the project's checks on the published package (no rebuild)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONHASHSEED := 0
export TZ := UTC
export LC_ALL := C.UTF-8

.PHONY: build test venv package validate verify check query notebook lint lock clean

build: package validate query notebook

query: $(STAMP)
	$(PY) scripts/duckdb_views.py

notebook: $(STAMP)
	$(PY) scripts/notebook.py

venv: $(STAMP)

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip check
	touch $(STAMP)

# An article whose facts fail a check is left out (named on stderr and in
# build/extraction_report.csv) and the rest builds; `make build BUILD_FLAGS=--strict`
# fails instead (the tests build the committed seeds with --strict).
BUILD_FLAGS ?=

package: $(STAMP)
	$(PY) scripts/build.py $(BUILD_FLAGS)

validate: $(STAMP)
	$(VENV)/bin/frictionless validate datapackage.json

verify: $(STAMP)
	$(PY) scripts/build.py --verify

check: $(STAMP)
	$(PY) scripts/build.py --check

lint: $(STAMP)
	$(VENV)/bin/ruff check scripts tests

test: $(STAMP) lint
	$(PY) -m pytest -q

# Kill 200 builds at random instants; the package must survive every one (README: Reliability).
.PHONY: stress
stress: $(STAMP)
	$(PY) scripts/stress_kill.py --iterations 200

# Re-pin every dependency from pyproject.toml in a scratch venv.
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet ".[dev]" && /tmp/lock-venv/bin/pip uninstall -y --quiet vietnam-border-cooperation
	{ echo "# Fully pinned dependency lock for Python 3.11 (pip freeze of a clean venv built from pyproject.toml)."; \
	  echo "# Regenerate: make lock"; /tmp/lock-venv/bin/pip freeze; } > requirements.lock

clean:
	rm -rf $(VENV) build
