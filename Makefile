# cgt-kg: `make demo` builds the graph from corpus/ and shows it; `make test` runs the test suite.
# An editable install writes no bytecode for kg/, so install (and the start-up bench) byte-compile it as a regular install
# does: every command would otherwise compile the package again at start-up (PYTHONDONTWRITEBYTECODE machines).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= .kg/store

.PHONY: install lock browser demo test bench eval eval-test clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[model,dev,cluster]'
	$(BIN)/python -m compileall -q kg
	touch $(STAMP)

# Pin every dependency (direct and indirect) of every extra; `make lock` after changing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra model --extra dev --extra cluster --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# Browser tests and screenshots drive Debian's chromium (no browser download at run time).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(BIN)/kg build corpus/ --store $(STORE)
	$(BIN)/kg query collaborations --store $(STORE)
	$(BIN)/kg query acquisitions --store $(STORE)
	$(BIN)/kg viz --store $(STORE) --output out/graph.html
	$(BIN)/kg viz --store $(STORE) --focus Biogen --hops 2 --output out/biogen.html

# Test files run side by side in TEST_JOBS processes (pytest-xdist; each file stays in one process, so its
# servers and stores are its own); the corpus store is built once per run, each process takes a copy.
TEST_JOBS ?= $(shell $(PYTHON) -c "import os; print(min(4, os.cpu_count() or 1))")

test: install browser
	$(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist loadfile

bench: install browser
	cd bench && ../$(BIN)/python extraction_bench.py
	cd bench && ../$(BIN)/python long_document_bench.py
	cd bench && ../$(BIN)/python startup_bench.py
	cd bench && ../$(BIN)/python store_bench.py
	cd bench && ../$(BIN)/python endpoint_bench.py
	cd bench && ../$(BIN)/python serve_bench.py
	cd bench && ../$(BIN)/python viz_bench.py
	cd bench && ../$(BIN)/python explorer_bench.py

# Scores: corpus/ always; the real-text dev split when its saved excerpts are on this machine
# (they are not in the repository; see corpus/real/README.md). The test split: `make eval-test`.
eval: install
	$(BIN)/kg eval corpus/ --model rules
	$(BIN)/kg eval corpus/
	@if [ -d corpus/real/.excerpts ]; then \
	  $(BIN)/python corpus/real/rebuild.py --out build/real && \
	  $(BIN)/kg eval build/real/dev --model rules && $(BIN)/kg eval build/real/dev; \
	else echo "corpus/real/.excerpts is not on this machine: real texts not scored"; fi

eval-test: install
	$(BIN)/python corpus/real/rebuild.py --out build/real
	$(BIN)/kg eval build/real/test --model rules
	$(BIN)/kg eval build/real/test

clean:
	rm -rf $(VENV) .kg out .pytest_cache .hypothesis
