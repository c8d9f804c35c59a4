# Two entry points: `make demo` runs the bot locally, `make test` runs every check.
# Both create or refresh what they need first: the virtualenv from pyproject.toml and, for the
# deployment tests, the osls packager (npm) and the Lambda dependency layer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HAVE_NPM := $(shell command -v npm 2>/dev/null)

.PHONY: demo test lint format bench preview package clean deploy-tools

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

# osls and the dependency layer, for tests/deploy (skipped, with a reason, without npm).
deploy-tools: $(STAMP)
ifneq ($(HAVE_NPM),)
	$(MAKE) $(NPM_STAMP)
	bash deploy/build_layer.sh
endif

demo: $(STAMP)
	$(BIN)/sagemaker-chatops replay --demo

preview: $(STAMP)
	$(BIN)/sagemaker-chatops preview --output build/preview.html

test: lint deploy-tools
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

package: $(STAMP) $(NPM_STAMP)
	npm run package

bench: $(STAMP)
	$(BIN)/python bench/render.py
	$(BIN)/python bench/delivery_calls.py
	$(BIN)/python bench/burst.py
	$(BIN)/python bench/cold_start.py

clean:
	rm -rf $(VENV) build node_modules .serverless .pytest_cache .mypy_cache .ruff_cache
