# Two entry points: `make demo` runs the bot locally, `make test` runs every check.
# Both create or refresh what they need first: the virtualenv from pyproject.toml and, for the
# packaging checks, osls from the npm registry (`npm ci`) and the Lambda dependency layer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HAVE_NPM := $(shell command -v npm 2>/dev/null)
# Where `make package` writes the package; tests/deploy reads it from there (no second osls run).
PACKAGE_DIR ?= build/package

.PHONY: demo test lint format bench preview package package-check screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

demo: $(STAMP)
	$(BIN)/sagemaker-chatops replay --demo

preview: $(STAMP)
	$(BIN)/sagemaker-chatops preview --output build/preview.html

# Linters and type checks, the offline package with its checks, then the test suite on it
# (which lists its 15 slowest tests: the whole stays well under 5 minutes).
# Without npm the packaging is skipped, loudly, and the tests that read the package skip too;
# CI sets CHATOPS_REQUIRE_PACKAGE=1 (.ci/run), which turns both into failures.
test: lint package-check
ifneq ($(HAVE_NPM),)
	CHATOPS_PACKAGE_DIR=$(PACKAGE_DIR) $(BIN)/python -m pytest -n 2 --durations=15
else
	$(BIN)/python -m pytest -n 2 --durations=15
endif

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# `npx osls package` offline with dummy credentials, cfn-lint on the CloudFormation, and the
# package's size (deploy/package.sh).
package: $(STAMP) $(NPM_STAMP)
	CHATOPS_PACKAGE_DIR=$(PACKAGE_DIR) bash deploy/package.sh

package-check: $(STAMP)
ifneq ($(HAVE_NPM),)
	$(MAKE) package
else ifneq ($(CHATOPS_REQUIRE_PACKAGE),)
	@echo "package-check: npm is not installed, and CHATOPS_REQUIRE_PACKAGE is set" >&2; exit 1
else
	@echo "package-check: SKIPPED, npm is not installed: the service is not packaged or linted" >&2
endif

# PNGs of the bot's messages for the README (needs chromium; CI does not run this).
screenshots: $(STAMP)
	bash deploy/screenshots.sh

bench: $(STAMP)
	$(BIN)/python bench/render.py
	$(BIN)/python bench/delivery_calls.py
	$(BIN)/python bench/burst.py
	$(BIN)/python bench/cold_start.py

clean:
	rm -rf $(VENV) build node_modules .serverless .pytest_cache .mypy_cache .ruff_cache
