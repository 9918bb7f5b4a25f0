# The two commands: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEMO_NEWS ?= 300
HOST ?= 127.0.0.1
PORT ?= 8000
# The public base URL every absolute link uses (API links, feeds, the OIT sheet, e-mails, the Wagtail Site):
# the address `make run` serves, unless set otherwise.
BASE_URL ?= http://$(HOST):$(PORT)
export BASE_URL
export PYTHAINLP_OFFLINE := 1
export PYTHAINLP_READ_ONLY := 1

.PHONY: run test setup venv demo lint check bench clean axe postgres

$(VENV)/.installed: requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt -c constraints.txt
	touch $@

venv: $(VENV)/.installed

setup: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo --news $(DEMO_NEWS)

run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(60))') \
		ALLOWED_HOSTS=example.go.th $(PY) manage.py check --deploy --fail-level WARNING

test: setup lint check axe
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var

# A local PostgreSQL for the PostgreSQL pass (as root on Debian): installs `postgresql` when missing,
# creates and starts a cluster, sets the postgres role's password; prints the DATABASE_URL prefix.
postgres:
	@PGPASSWORD=$${PGPASSWORD:-postgres} bash tools/postgres-up.sh


# axe-core for the portal's accessibility checks in the browser tests (tests/browser/test_portal_*.py),
# from the npm registry into the git-ignored var/vendor/.
AXE_VERSION ?= 4.14.1
AXE_JS := var/vendor/axe-core/axe.min.js
$(AXE_JS):
	mkdir -p var/vendor
	cd var/vendor && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz \
		&& rm -rf axe-core && mv package axe-core && rm axe-core-$(AXE_VERSION).tgz

axe: $(AXE_JS)
