# govtrack: `make run` and `make test` do the whole set-up from nothing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app govtrack
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: install run test test-fast lint format migrate-check demo clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govtrack needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(VENV)/bin/pybabel compile -d govtrack/translations
	touch $@

MO := govtrack/translations/id/LC_MESSAGES/messages.mo

# The compiled catalogue is not kept in git: it is built from messages.po whenever that is newer.
$(MO): govtrack/translations/id/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d govtrack/translations

install: $(VENV)/.installed $(MO)

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Demo logins (instance/demo-logins.txt):"
	@cat instance/demo-logins.txt 2>/dev/null || echo "  (none: the database already had data before the demo)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Everything but the tests marked slow (fuzzers, concurrency, browser, load runs): for the edit-test loop.
test-fast: install
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
