# The two commands of the README:
#   make demo   set everything up and build the example meeting pack into out/
#   make test   set everything up (Chromium included) and run the tests
# Works on a fresh Debian machine with Python 3.11+; as root it installs the system packages it
# needs with apt-get, otherwise it says which to install.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup python-check system-test-deps clean

demo: setup
	$(BIN)/report-builder build examples/nordlys/report.toml --format html,json --out out/
	@echo "Open out/pipeline-meeting-2026-11-24.html in a browser."

test: setup system-test-deps
	$(BIN)/python -m pytest

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
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Chromium draws the charts in the browser tests (and exports static charts).
system-test-deps:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	    command -v google-chrome >/dev/null; then :; \
	elif command -v apt-get >/dev/null; then \
	  echo "Installing Chromium and fonts with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation; \
	else \
	  echo "Install Chromium (or Google Chrome) with your package manager, then run make test"; \
	  exit 1; \
	fi

clean:
	rm -rf $(VENV) out dist build .pytest_cache
