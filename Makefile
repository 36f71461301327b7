# Two commands on a fresh machine with only python3:
#   make demo   -> creates .venv, installs, runs the app on the built-in demo sandbox
#   make test   -> creates .venv, installs with test extras, lints (ruff), type-checks (mypy), runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

.PHONY: install demo test bench
install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/pipedrive-tui --demo

test: $(BIN)/.installed
	$(BIN)/ruff check tui widgets styles tests benchmarks
	$(BIN)/ruff format --check tui widgets styles tests benchmarks
	$(BIN)/mypy --strict tui/api tui/store tui/screens tui/widgets
	$(BIN)/mypy tui
	TEXTUAL_ANIMATIONS=none $(BIN)/python -m pytest -q -n 4

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run_all.py
