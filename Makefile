# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench accuracy browser clean

BASE_STAMP := $(VENV)/.base-stamp

# The tool alone: what `make demo` needs (no test extras: Playwright, Dask, ...).
$(BASE_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $(BASE_STAMP)

# The tool and the test extras: what `make test` needs.
$(STAMP): $(BASE_STAMP)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Headless Chromium for the report's browser tests (Debian package; never a browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "no /usr/bin/chromium (install the Debian package 'chromium'): browser tests will be skipped"; fi; \
	fi

demo: $(BASE_STAMP)
	$(PY) -m checker demo
	@echo "Run syndicheck yourself: $(VENV)/bin/syndicheck --help  (or: . $(VENV)/bin/activate && syndicheck --help)"

test: $(STAMP) browser
	$(PY) -m pytest -q

# The type check (mypy, configured in pyproject.toml) and the linter (ruff's chosen rules, same file).
lint: $(STAMP)
	$(VENV)/bin/mypy
	$(VENV)/bin/ruff check .

accuracy: $(STAMP)
	$(PY) -m pytest -q -s tests/test_accuracy.py

bench: $(STAMP)
	$(PY) bench/bench_check.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
