# Two commands do everything: `make report` and `make test`.
# Set-up is a virtual environment in .venv with the project installed in it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
YEAR ?= 2025

.PHONY: setup report test lint bench pictures clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The demo edition comes from git, so its files look freshly dropped: --settle 0 reads them now.
report: $(STAMP)
	$(BIN)/agenda2030 build --year $(YEAR) --settle 0

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check flows schemas tests bench

# Benchmarks are not tests: they measure and write outputs/bench/results.json (see bench/README.md).
bench: $(STAMP)
	$(BIN)/python bench/run.py

pictures: report
	$(BIN)/python docs/pictures.py outputs/$(YEAR)/agenda2030-$(YEAR).pdf

clean:
	rm -rf outputs/*/ .pytest_cache
