# The two commands: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEMO_NEWS ?= 300
# The suite runs in one pytest-xdist worker per core (`auto`); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 8000
# The public base URL every absolute link uses (API links, feeds, the OIT sheet, e-mails, the Wagtail Site):
# the address `make run` serves, unless set otherwise.
BASE_URL ?= http://$(HOST):$(PORT)
export BASE_URL
export PYTHAINLP_OFFLINE := 1
export PYTHAINLP_READ_ONLY := 1

.PHONY: run test setup venv bytecode migrate static lint check clean axe postgres elasticsearch elasticsearch-stop messages

# The pinned set is installed by uv (pinned below; about 6 s on a fresh clone instead of pip's 35 s), reading
# the same requirements and constraints; where uv cannot run, pip installs the same set. Both compile the
# bytecode as they install (uv with --compile-bytecode, on every core; pip does by default): where
# PYTHONDONTWRITEBYTECODE is set, as on these machines, nothing compiled on import is kept, and every later
# process — migrate, the demo, each test worker, the server — would compile Django and Wagtail again.
UV_VERSION := 0.13.9
$(VENV)/.installed: requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	($(PIP) install --quiet uv==$(UV_VERSION) && $(VENV)/bin/uv pip install --quiet --compile-bytecode \
		--python $(PY) $${PIP_FIND_LINKS:+--find-links $$PIP_FIND_LINKS} -r requirements.txt -c constraints.txt) \
		|| $(PIP) install --quiet -r requirements.txt -c constraints.txt
	touch $@

venv: $(VENV)/.installed

# The project's own bytecode, for the same reason (Python checks each .pyc against its source: an edited
# module is compiled afresh, never read stale).
PACKAGES := $(patsubst %/__init__.py,%,$(wildcard */__init__.py))
bytecode: venv
	$(PY) -m compileall -q -j 0 manage.py $(PACKAGES)

# The Thai catalogue, the static files and migrate do not depend on each other: they run side by side
# (each one's output kept together), then the demo, which needs all three, without Django's DEBUG
# (config/settings/dev.py: its log of every SQL statement costs the demo about a tenth of its time).
setup: venv bytecode
	$(MAKE) --no-print-directory --jobs=3 --output-sync=target messages migrate static
	DEBUG=0 $(PY) manage.py load_demo --news $(DEMO_NEWS)

migrate: venv
	$(PY) manage.py migrate --noinput

static: venv
	$(PY) manage.py collectstatic --noinput --verbosity 0

# The Thai catalogue (locale/th). msgfmt is Debian's gettext: installed here when missing (as root).
messages: venv
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --locale th --ignore .venv --ignore var --verbosity 0

# On Elasticsearch (ELASTICSEARCH_URL=http://127.0.0.1:9200 make run, after `make elasticsearch`) indexing
# waits in the outbox: the index is brought in line with the database before serving.
run: setup
	@if [ -n "$${ELASTICSEARCH_URL:-}" ]; then $(PY) manage.py search sync && $(PY) manage.py search check --fix; fi
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(60))') \
		ALLOWED_HOSTS=example.go.th $(PY) manage.py check --deploy --fail-level WARNING

# The shared search suite also runs on a live Elasticsearch (tests/search, marked `elasticsearch`):
# with ELASTICSEARCH_URL set it uses that node; else, where Java and Maven are, `make elasticsearch`
# starts the local test node (left running: `make elasticsearch-stop`); elsewhere those tests are
# skipped, saying why. They run after the rest, in one process: some of them stop and restart the node,
# so no other test may use it meanwhile (pytest-xdist's `--dist loadgroup` would not keep them on one worker:
# with pytest 9 its group marks are not applied). LIVE_SEARCH_SUITE=0 leaves them out (CI runs them itself).
LIVE_SEARCH_SUITE ?= 1
test: setup lint check axe
	@if [ "$(LIVE_SEARCH_SUITE)" = 1 ] && [ -z "$${ELASTICSEARCH_URL:-}" ]; then \
		if reason="$$(bash tools/elasticsearch.sh missing)"; then \
			echo "Elasticsearch suite skipped: $$reason"; export ELASTICSEARCH_SKIP_REASON="$$reason"; \
		else \
			ELASTICSEARCH_URL="$$(bash tools/elasticsearch.sh up)" || exit 1; export ELASTICSEARCH_URL; \
		fi; \
	fi; \
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not elasticsearch" $(PYTEST_ARGS) && \
	if [ "$(LIVE_SEARCH_SUITE)" = 1 ]; then $(VENV)/bin/pytest -m elasticsearch tests/search; fi

clean:
	rm -rf $(VENV) var

# A local PostgreSQL for the PostgreSQL pass (as root on Debian): installs `postgresql` when missing,
# creates and starts a cluster, sets the postgres role's password; prints the DATABASE_URL prefix.
postgres:
	@PGPASSWORD=$${PGPASSWORD:-postgres} bash tools/postgres-up.sh


# A single-node Elasticsearch for tests and `ELASTICSEARCH_URL=http://127.0.0.1:9200 make run`: Elastic's
# integration-test distribution from Maven Central (cached in var/elasticsearch/), on the machine's JDK,
# bound to 127.0.0.1, security off, data under var/. Idempotent; waits for green; prints the URL.
elasticsearch:
	@bash tools/elasticsearch.sh up

elasticsearch-stop:
	@bash tools/elasticsearch.sh down

# axe-core for the portal's accessibility checks in the browser tests (tests/browser/test_portal_*.py),
# from the npm registry into the git-ignored var/vendor/.
AXE_VERSION ?= 4.14.1
AXE_JS := var/vendor/axe-core/axe.min.js
$(AXE_JS):
	mkdir -p var/vendor
	cd var/vendor && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz \
		&& rm -rf axe-core && mv package axe-core && rm axe-core-$(AXE_VERSION).tgz

axe: $(AXE_JS)
