# Two commands for a newcomer: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup lint assets browser clean stop bench-import

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.installed

assets: node_modules/.installed

setup: $(STAMP) assets
	$(BIN)/truyvet migrate --noinput -v 0
	$(BIN)/truyvet compile-translations -v 0
	$(BIN)/truyvet collectstatic --noinput -v 0

# Debian's chromium for the browser tests (installed when missing).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium"; [ "$$CI" != "true" ] || exit 1; }; }

demo: setup
	$(BIN)/truyvet demo

test: setup browser
	$(BIN)/ruff check truyvet tests bench
	$(BIN)/truyvet makemigrations --check --dry-run -v 0
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check truyvet tests bench

stop:
	-$(BIN)/truyvet db stop

bench-import: setup
	$(BIN)/python bench/bench_import.py --people 300000 --days 14

clean: stop
	rm -rf $(VENV) var node_modules
