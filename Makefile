# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Every dependency, direct or not, pinned with its hashes (for Python 3.11 on any platform: the
# Pi is linux aarch64), so two installs a month apart run the same code. `make lock` refreshes
# both files after a change to the dependencies in pyproject.toml.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
UV_VERSION := 0.13.9
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: run test lint bench check stress lock clean

$(STAMP): pyproject.toml $(DEV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r $(DEV_LOCK)
	$(PIP) install --quiet --no-deps -e .
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

lock:
	test -x .venv-lock/bin/uv || { $(PYTHON) -m venv .venv-lock && \
		.venv-lock/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	.venv-lock/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
		--generate-hashes --quiet -o $(LOCK)
	.venv-lock/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --quiet -o $(DEV_LOCK)

clean:
	rm -rf $(VENV) .venv-lock *.egg-info .pytest_cache .mypy_cache .ruff_cache
