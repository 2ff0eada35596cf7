# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kiosk run $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check kiosk tests
	$(BIN)/mypy --strict kiosk

bench: $(STAMP)
	$(BIN)/python -m pytest tests/bench -q -s -p no:xdist -o python_files='bench_*.py' $(ARGS)

check: $(STAMP)
	$(BIN)/kiosk check

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
