# The README's two commands: `make run` and `make test`. Works with plain python3 -m venv and
# pip; uses uv when it is on the PATH. Stamps make a second run skip what is already installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
UV := $(shell command -v uv 2>/dev/null)

.PHONY: run test install install-test migrate seed serve lint messages check-deploy clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
ifdef UV
	VIRTUAL_ENV=$(VENV) uv pip install -q -e '.[demo]'
else
	$(PY) -m pip install -q -e '.[demo]'
endif
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-run
ifdef UV
	VIRTUAL_ENV=$(VENV) uv pip install -q -e '.[test]'
else
	$(PY) -m pip install -q -e '.[test]'
endif
	touch $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(PY) manage.py seed_demo

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

## make run: install (once), migrate, seed the demo data and serve http://127.0.0.1:8000
run: seed serve

## make test: install the test extra (once) and run the whole suite
test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/architecture.py --check docs/architecture.md
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_inline_imports.py
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/bandit -c pyproject.toml -r accounts api config exchanges scripts manage.py -ll -q

## make messages: refresh the translation catalogues (needs GNU gettext) and compile them
messages: install
	$(PY) manage.py makemessages -l ja -l ko --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='tests/*'
	$(PY) manage.py makemessages -d djangojs -l ja -l ko --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='staticfiles/*'
	if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore='.venv/*'; else $(PY) scripts/compile_messages.py; fi

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	ALLOWED_HOSTS=trilink.example DATABASE_URL=postgres://trilink@localhost/trilink \
	EMAIL_URL=smtp://localhost:25 \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
