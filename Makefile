# Two commands matter: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/smworld serve --dev-bootstrap

lint: $(STAMP)
	$(PY) -m ruff check smworld tests benches
	$(PY) -m mypy smworld
	$(VENV)/bin/lint-imports --no-logo

test: lint
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m benches

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
