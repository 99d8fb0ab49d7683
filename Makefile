# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
# The example site is built as of a fixed moment, so that it shows an open incident, an
# upcoming maintenance window and a meaningful uptime window, and is byte-for-byte reproducible.
EXAMPLE_NOW ?= 2021-10-04T18:00:00Z

.PHONY: site test golden clean benchmark

site: $(VENV)/.installed
	$(VENV)/bin/statusgen build --now $(EXAMPLE_NOW)

test: $(VENV)/.installed-test
	$(PY) -m pytest

# Refresh the golden files after a deliberate change to the output; review the diff.
golden: $(VENV)/.installed-test
	$(PY) -m pytest tests/test_golden.py --update-golden

benchmark: $(VENV)/.installed
	$(PY) benchmarks/run.py

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -e '.[test]'
	touch $@

clean:
	rm -rf site $(VENV) .pytest_cache .statusgen-site-*
