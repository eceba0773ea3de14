# cgt-kg: `make demo` builds the graph from corpus/ and shows it; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= .kg/store

.PHONY: install lock browser demo test bench eval clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[model,dev,cluster]'
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

test: install browser
	$(BIN)/python -m pytest -q

bench: install browser
	cd bench && ../$(BIN)/python extraction_bench.py
	cd bench && ../$(BIN)/python long_document_bench.py
	cd bench && ../$(BIN)/python store_bench.py
	cd bench && ../$(BIN)/python endpoint_bench.py
	cd bench && ../$(BIN)/python viz_bench.py

clean:
	rm -rf $(VENV) .kg out .pytest_cache .hypothesis
