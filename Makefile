# The two quick-start commands (see README): `make demo` and `make test`.
# Both create .venv with Python 3.11 and install the hashed, pinned dependencies first.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DRAFT  ?= resources/demo_workspace/drafts/oops.txt

.PHONY: demo check-demo test lint lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-app: requirements/app.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/app.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed-app

# Opens the composer window on the demo workspace (its accounts publish to the local outbox).
demo: $(VENV)/.installed-app
	$(BIN)/secondlook --workspace resources/demo_workspace

# The command-line twin: checks a demo draft as the brand account. Exit status says the verdict
# (0 clear, 1 confirm or review, 2 blocked); only 3 (a usage or input error) fails here.
check-demo: $(VENV)/.installed-app
	$(BIN)/secondlook check --account acme $(DRAFT) || [ $$? -le 2 ]

test: $(VENV)/.installed-dev lint
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Re-pin after changing dependencies in pyproject.toml (needs uv in the venv: .venv/bin/pip install uv).
lock:
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 pyproject.toml -o requirements/app.txt
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 --extra dev pyproject.toml -o requirements/dev.txt
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 --extra dev --extra bench pyproject.toml -o requirements/bench.txt

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
