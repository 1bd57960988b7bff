# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium and the PostgreSQL tests start Debian's PostgreSQL
# server; both are installed here when missing (sudo unless root).
CHROMIUM := /usr/bin/chromium
POSTGRES := $(firstword $(wildcard /usr/lib/postgresql/*/bin/pg_ctl))
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEBIAN := $(if $(wildcard $(CHROMIUM)),,chromium) $(if $(POSTGRES),,postgresql)

.PHONY: demo test bench bench-large install clean debian-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

debian-packages:
ifneq ($(strip $(DEBIAN)),)
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN)
endif

demo: $(STAMP)
	$(BIN)/crosstally run --sample --out demo-out

test: $(STAMP) debian-packages
	$(BIN)/python -m pytest -q

# Throughput and memory at 1,000 and 10,000 articles, and Spark on 10,000 (about 15 minutes);
# bench-large adds 100,000 articles (about an hour). Both write bench/RESULTS.md.
BENCH_STAMP := $(VENV)/.bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/bench.py --sizes 1000 10000 --spark-size 10000 --profile

bench-large: $(BENCH_STAMP)
	$(BIN)/python bench/bench.py --sizes 1000 10000 100000 --spark-size 10000 --profile

clean:
	rm -rf $(VENV) demo-out bench/out build
