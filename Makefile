# One entry point for everything. `make demo` and `make test` work on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup system-deps demo test data check lint typecheck format audit-deps fuzz soak bench-setup bench-quality bench-speed clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/python -m tradescreen.demo

system-deps:
	bash scripts/system-deps.sh

test: setup system-deps
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

# Where each real-data file the tests read comes from ($TRADESCREEN_TEST_DATA or ../shared/data;
# see README, "Tests and the real-data folder"). Not run by the tests.
data: setup
	$(BIN)/python scripts/data_sources.py

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: setup
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

check: lint typecheck audit-deps test

# Known vulnerabilities in the installed dependencies (pip-audit, read by scripts/audit_deps.py:
# a vulnerability or a partial audit fails; an unreachable service prints "NOT RUN", and fails
# too with TRADESCREEN_AUDIT_REQUIRED=1; see docs/reliability.md).
audit-deps: setup
	$(BIN)/python scripts/audit_deps.py

fuzz: setup
	bash fuzz/run.sh $(or $(FUZZ_SECONDS),60)

soak: setup
	$(BIN)/python bench/soak.py --seconds 60

bench-setup: setup
	$(BIN)/python -m pip install -q -e '.[dev,bench]'

bench-quality: bench-setup
	$(BIN)/python bench/quality.py

bench-speed: bench-setup
	$(BIN)/python bench/speed.py --queries 3000 --peer-queries 150

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
