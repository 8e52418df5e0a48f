# The two commands a newcomer needs: `make demo` and `make test`.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py createcachetable
	DJANGO_DEBUG=1 WOTUM_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py demo
	DJANGO_DEBUG=1 $(PY) manage.py rundemo --port $(PORT)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Every figure of bench/README.md against servers it starts itself; QUICK=1 for a short check.
# BENCH_ARGS passes more options to bench/run.py (e.g. --redis-db N, --figures 1,2).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench,reference]' || $(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) bench/run.py $(if $(QUICK),--quick) $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf var/test var/celery
