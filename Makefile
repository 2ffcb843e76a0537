# Every target creates or refreshes the local .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: test demo bench docs lint typecheck unit docs-build package mutate stubs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make test: lint, types, every test (docstrings and docs examples included), strict docs
## build, and the built wheel and sdist checked
test: lint typecheck unit docs-build package

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples docs tools
	$(BIN)/ruff format --check src tests benchmarks examples docs tools

typecheck: $(STAMP)
	$(BIN)/mypy --strict src examples

unit: $(STAMP)
	$(BIN)/pytest

docs-build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

## make package: build the wheel and the sdist into dist/ and check their metadata (twine)
package: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --sdist --wheel --outdir dist .
	$(BIN)/twine check --strict dist/*

## make demo: the end-to-end billing walkthrough
demo: $(STAMP)
	$(BIN)/python -m examples.walkthrough

## make bench: the benchmark table (ratios against same-run plain-Python floors)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## make mutate: sampled mutation testing of the core modules (slow; on demand, not in make test)
mutate: $(STAMP)
	$(BIN)/python tools/mutate.py $(AREAS)

## make stubs: regenerate each lazy package's __init__.pyi (the root's and the core packages')
## from its export table
stubs: $(STAMP)
	$(BIN)/python tools/stubs.py

## make docs: serve the documentation locally
docs: $(STAMP)
	$(BIN)/mkdocs serve

clean:
	rm -rf $(VENV) site dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
