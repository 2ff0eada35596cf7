# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench check stress clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Status 10 is staff mode's "Exit the kiosk" (systemd does not restart on it): a normal end here.
run: $(STAMP)
	@$(BIN)/kiosk run $(ARGS) || { status=$$?; [ $$status -eq 10 ] || exit $$status; }

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check kiosk tests
	$(BIN)/mypy --strict kiosk tests

# The whole suite 5 times in a row while two processes keep both cores busy, as the Pi's slower
# cores feel to the kiosk: a test that depends on timing fails here. Every run must pass.
stress: $(STAMP)
	@$(BIN)/python tests/tools/hog.py --workers 2 --seconds 7200 & hog=$$!; \
	trap 'kill $$hog 2>/dev/null' EXIT INT TERM; \
	for run in 1 2 3 4 5; do \
		echo "stress: run $$run of 5, with the CPU busy"; \
		$(BIN)/python -m pytest -q -n 2 $(ARGS) || { echo "stress: run $$run failed"; exit 1; }; \
	done; echo "stress: 5 of 5 runs passed"

bench: $(STAMP)
	$(BIN)/python -m pytest tests/bench -q -s -p no:xdist -o python_files='bench_*.py' $(ARGS)

check: $(STAMP)
	$(BIN)/kiosk check

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
