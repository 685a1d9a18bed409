# Two commands do everything: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test console lint typecheck native bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Cast extraction compiled with mypyc into build/native/, rebuilt only when its sources
## changed; where it cannot be built (no C compiler) the same code runs as pure Python.
native: $(STAMP)
	$(BIN)/python -m bot.native_build

## Connect to Discord if DISCORD_TOKEN is set; otherwise open the offline console.
run: native
	$(BIN)/conteur run --console-if-no-token

## AS=librarian|moderator|admin: who you are in the console (default: a member).
AS ?= member
console: native
	$(BIN)/conteur console --as $(AS)

## The whole suite: lint, format check, types, tests.
test: native lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## Benchmarks print tables (slow: the 1M-passage search takes minutes); results in docs/.
bench: $(STAMP)
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.daily
	$(BIN)/python -m bench.retell
	$(BIN)/python -m bench.storyteller

## How well the bot understands real stories (../shared/realstories); see docs/understanding.md.
eval: native
	$(BIN)/python -m bench.understanding

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
