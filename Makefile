# Tremplin developer commands. Everything runs from .venv; nothing needs Docker or a system service.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install demo up test lint format bench chaos stop reset clean browsers

# Front-end libraries from npm, into var/node (never committed): the 360° panorama viewer.
NPM_PACKAGES := pannellum@2.5.7

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix var/node $(NPM_PACKAGES) \
		|| echo "npm install failed: structures' panoramas fall back to a plain image link"; \
	else echo "npm is missing: structures' panoramas fall back to a plain image link"; fi
	@touch $(STAMP)

install: $(STAMP)

## make demo: install, start PostgreSQL + Redis under ./var, onboard the demo cities, run everything.
demo: $(STAMP)
	$(BIN)/python manage.py up --demo --port $(PORT)

up: $(STAMP)
	$(BIN)/python manage.py up --port $(PORT)

## make test: install and run the whole suite (lint first) against the embedded servers.
test: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tests/lint/schema_switch.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bench: the benchmarks in tests/bench (never part of make test). BENCH_ARGS that name a
## file or folder (make bench BENCH_ARGS=tests/bench/bench_fleet.py, or …::test_name) run just
## those; options alone (BENCH_ARGS='-k fleet') still apply to all of tests/bench.
BENCH_PATHS = $(strip $(foreach arg,$(BENCH_ARGS),$(if $(wildcard $(firstword $(subst ::, ,$(arg)))),$(arg))))
bench: $(STAMP)
	$(BIN)/python -m pytest $(if $(BENCH_PATHS),,tests/bench) -p no:randomly -s -q --no-header -o python_files='bench_*.py' $(BENCH_ARGS)

## make chaos: kill the worker, Redis, PostgreSQL and `up` itself under a real `up` on its own
## ./var and port, and check nothing is lost, no 500, nothing left running (tests/chaos, ~3 min).
chaos: $(STAMP)
	$(BIN)/python -m pytest tests/chaos -p no:randomly -s -q --no-header -o python_files='chaos_*.py' $(CHAOS_ARGS)

## make stop: stop the embedded servers if something left them running.
stop: $(STAMP)
	cd platform && ../$(BIN)/python -m tremplin.devstack stop

## make reset: stop the embedded servers and delete ./var (all local data).
reset: $(STAMP)
	cd platform && ../$(BIN)/python -m tremplin.devstack reset

clean:
	rm -rf $(VENV) var build *.egg-info
