# The two commands of the README:
#   make demo   set everything up and build the example meeting pack (HTML, PDF, JSON, the meeting
#               deck and the customer deck) into out/
#   make test   set everything up and run the tests
# Works on a fresh Debian machine with Python 3.11+; as root it installs the system packages it
# needs with apt-get, otherwise it says which to install.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup python-check system-deps test-deps clean

demo: setup system-deps
	$(BIN)/report-builder build examples/nordlys/report.toml --format html,pdf,json,pptx,customer-deck --out out/
	@echo "Open out/pipeline-meeting-2026-11-24.html in a browser, or the PDF and the decks"
	@echo "(pipeline-meeting-2026-11-24.pptx, customer-deck-2026-11-24.pptx) beside it."

# two processes, each module's tests in one of them (its fixtures built once): most tests wait
# on Chromium, WeasyPrint or LibreOffice, so two share two cores well (12 min instead of 16)
PYTEST_WORKERS ?= 2
test: setup system-deps test-deps $(VENV)/.test-installed
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

setup: $(VENV)/.installed

python-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "report-builder needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "Installing python3-venv (Debian ships venv separately)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }

$(VENV)/.installed: pyproject.toml constraints.txt | python-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

# what the tests need besides (pytest, the PostgreSQL driver, pyspark for the Spark engine, ...):
# not for `make demo`, which would fetch pyspark's 400 MB for nothing
$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Chromium draws the charts for the PDF (and the browser tests); WeasyPrint lays out the PDF
# with Pango and the fonts it finds; Liberation Sans stands in for the decks' Arial (same metrics).
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation
system-deps:
	@if { command -v chromium || command -v chromium-browser || command -v google-chrome; } \
	      >/dev/null && ldconfig -p | grep -q libpangoft2-1.0 && \
	    fc-list 2>/dev/null | grep -qi "Liberation Sans"; then :; \
	elif command -v apt-get >/dev/null; then \
	  echo "Installing $(SYSTEM_PACKAGES) with apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); \
	else \
	  echo "Install Chromium (or Google Chrome), Pango and the Liberation fonts with your"; \
	  echo "package manager, then run make again."; \
	  exit 1; \
	fi

# The tests open the decks in LibreOffice Impress and the starter workbook in LibreOffice Calc,
# as a user's client would, read the PDF's lines and the printed deck with pdftotext (poppler),
# make a test certificate with openssl for the TLS mail server, start a throwaway PostgreSQL
# server (initdb + pg_ctl, a unix socket in a temporary folder) for the SQL sources and the
# PostgreSQL engine, and run Spark in local mode (pyspark, from the test extra, needs Java 17+). Where these cannot be installed, the tests that need them are skipped
# and say why.
TEST_PACKAGES := libreoffice-impress libreoffice-calc poppler-utils openssl postgresql \
                 default-jre-headless
test-deps:
	@if command -v soffice >/dev/null && command -v localc >/dev/null \
	    && command -v openssl >/dev/null && command -v java >/dev/null \
	    && command -v pdftotext >/dev/null \
	    && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null; then \
	  echo "Installing $(TEST_PACKAGES) with apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(TEST_PACKAGES); \
	else \
	  echo "LibreOffice, poppler, openssl, PostgreSQL or Java is missing: the tests that need them will be skipped"; \
	fi

clean:
	rm -rf $(VENV) out dist build .pytest_cache
