# eprok — every set-up step a fresh clone needs lives here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_WORKERS ?= 2
export PORT

.PHONY: help env static demo test test-fast lint fmt typecheck messages lock bench browser system clean

help:
	@echo "make demo      run eprok with seeded demo data on http://127.0.0.1:$(PORT)"
	@echo "make test      run the whole test suite (SQLite, or PostgreSQL with DATABASE_URL)"
	@echo "make lint      ruff and mypy;  make fmt  format the code"
	@echo "make messages  update and compile the az / en / ru catalogs"
	@echo "make bench     run the benchmarks (see docs/benchmarks.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements/dev.lock pyproject.toml
	$(BIN)/pip install -q --require-hashes -r requirements/dev.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

env: $(VENV)/.installed

# Front-end packages are pinned in package-lock.json and copied into static files; no CDN at run time.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static: node_modules/.installed
	node scripts/build-static.mjs

# Debian packages the system and its tests use: Chromium (browser tests), poppler-utils (pdfsig, the
# independent signature validator), Tesseract with Azerbaijani and Russian data and OCRmyPDF (text layers
# for scans), libnss3-tools (certutil, to trust the organisation's CA in pdfsig's store). Installed when
# missing and possible; each feature reports itself unavailable (and its tests skip) where one is absent.
SYSTEM_PACKAGES := chromium:chromium pdfsig:poppler-utils tesseract:tesseract-ocr \
  ocrmypdf:ocrmypdf certutil:libnss3-tools
SYSTEM_DATA := /usr/share/tesseract-ocr/5/tessdata/aze.traineddata:tesseract-ocr-aze \
  /usr/share/tesseract-ocr/5/tessdata/rus.traineddata:tesseract-ocr-rus

browser: system
system:
	@missing=""; \
	for pair in $(SYSTEM_PACKAGES); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	for pair in $(SYSTEM_DATA); do [ -e $${pair%%:*} ] || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	      || echo "could not install:$$missing (the features and tests that need them will be skipped)"; \
	  else echo "missing and cannot be installed here:$$missing (the features and tests that need them will be skipped)"; fi; \
	fi

demo: env static system
	$(BIN)/eprok demo --port $(PORT)

test: env static system
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy eprok config bench

fmt: env
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: env
	for app in eprok/*/apps.py; do dir=$$(dirname $$app); mkdir -p $$dir/locale; \
	  (cd $$dir && $(CURDIR)/$(BIN)/django-admin makemessages -l az -l en -l ru --no-obsolete \
	     --settings=config.settings --pythonpath=$(CURDIR) -i "tests/*" >/dev/null); done
	$(BIN)/python manage.py compilemessages -v0

lock: $(BIN)/python
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml

bench: env static
	$(BIN)/eprok bench

clean:
	rm -rf $(VENV) node_modules var eprok/core/static/vendor
