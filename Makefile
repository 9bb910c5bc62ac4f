# Two commands do everything on a fresh machine with Python >= 3.10:
#   make lab    set up (once) and open the course in JupyterLab
#   make test   set up (once) and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test test-hub bench setup clean

setup: $(STAMP)

# Re-install whenever the package list changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all]"
	@# Build matplotlib's font cache now: on a fresh machine its first import prints a notice,
	@# which would appear in a notebook's output and fail nbval.
	$(BIN)/python -c "import matplotlib.pyplot"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP)
	$(BIN)/python -m pytest

# A class of 10 on a real JupyterHub (tests/hub): a few minutes, so not part of `make test`;
# .ci/run runs both. Needs git, node and npm.
test-hub: $(STAMP)
	EM_HUB_TEST=1 $(BIN)/python -m pytest tests/hub -s

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_frames.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
