# Cordon: `make demo` runs the product on its embedded default; `make test` runs every test.
# Both first make sure the Debian packages we link against are installed.

SWIFT      ?= swift
DEBS       := libsodium-dev libsqlite3-dev libmicrohttpd-dev libgfshare-dev pkg-config
## The C target's warnings (Package.swift holds no unsafeFlags, which SwiftPM refuses in a
## dependency): every debug build and test run here compiles the C with -Wall -Wextra. Release
## builds and the bench scripts' `swift build -c release` stay flag-free, so they share one cache.
WARNINGS   := -Xcc -Wall -Xcc -Wextra
CORDON_DEBUG   := .build/debug/cordon
CORDON_RELEASE := .build/release/cordon

.PHONY: deps build release test golden reliability lint format demo tour bench bench-deps fuzz-api clean console-debs console-deps test-console console-screenshots

## deps: install the Debian packages Cordon needs, only when one is missing (idempotent); python3
## and openssl run audit/verify.py, the DPO's independent verifier, in the tests.
deps:
	@missing=""; \
	for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	for tool in python3 openssl; do \
	  command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing Debian packages:$$missing" >&2; \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo="sudo"; \
	  $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build $(WARNINGS)

release: deps
	$(SWIFT) build -c release

## test: build, run every Swift test, then lint the code's format and the shipped policies and
## regions, then the console's smoke test in a real browser.
test: deps console-deps
	$(SWIFT) build --build-tests $(WARNINGS)
	$(SWIFT) test --skip-build $(WARNINGS)
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	$(CORDON_DEBUG) policy lint
	$(CONSOLE_PYTHON) Tests/Console/console_tests.py $(CORDON_DEBUG) smoke

## golden: rewrite the CLI's golden files (Tests/CLITests/Golden) from the built binary; review
## `git diff Tests/CLITests/Golden` before committing.
golden: deps
	$(SWIFT) build --build-tests
	CORDON_UPDATE_GOLDEN=1 $(SWIFT) test --skip-build --filter GoldenOutputTests

## reliability: the reliability suite at full length — every fault point of every write path, 500
## kill -9 cycles, every tamper case against every command, disks filling part way — then the figures
## docs/RELIABILITY.md quotes (make test runs a short share of each). CORDON_RELIABILITY_SEED=N
## replays another seed; CORDON_RELIABILITY_CYCLES=N another number of crash cycles.
RELIABILITY_SUITES := FaultMatrixTests|KeyRotationRecoveryTests|DiskFullTests|ControlStoreVerifyTests|TornWALTests|TamperMatrixTests|CrashLoopTests
RELIABILITY_REPORT := $(CURDIR)/.build/reliability
reliability: deps
	$(SWIFT) build --build-tests $(WARNINGS)
	rm -rf $(RELIABILITY_REPORT)
	CORDON_RELIABILITY=full CORDON_RELIABILITY_REPORT=$(RELIABILITY_REPORT) \
	  $(SWIFT) test --skip-build $(WARNINGS) --filter '$(RELIABILITY_SUITES)'; status=$$?; \
	  ./scripts/reliability-report.sh $(RELIABILITY_REPORT); exit $$status

## lint: the format check (`swift format`, .swift-format) and the policy lint; `make format` fixes the first.
lint: build
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	$(CORDON_DEBUG) policy lint

format:
	$(SWIFT) format format --in-place --recursive Sources Tests Package.swift

## demo: release build, then the HTTP API on ./cordon-demo with tokens and curl examples.
demo: release
	./scripts/demo.sh $(CORDON_RELEASE)

## demo-federated: one region node per region (eu, us, uk) and a coordinator, each in its own network namespace
## with TLS when run as root (loopback ports otherwise), witnessing each other; prints how to
## use them. `scripts/federated.sh down demo-federated` stops them (issue #20).
demo-federated: release
	@command -v openssl >/dev/null || { echo "make: installing openssl" >&2; sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; $$sudo apt-get install -y openssl; }
	CORDON=$(CORDON_RELEASE) ./scripts/federated.sh up demo-federated

## fuzz-api: schemathesis (venv under scripts/.venv) against a running demo server.
fuzz-api: build
	./scripts/fuzz-api.sh $(CORDON_DEBUG)

## tour: the CLI end to end (init, demo data, ingest, a DSR, audit verification) on ./cordon-tour.
tour: release
	./scripts/tour.sh $(CORDON_RELEASE)

## bench-deps: the Debian packages only the benchmarks need (wrk drives bench-http.sh; time gives
## bench-scale.sh each process's CPU seconds), when missing.
BENCH_DEBS := wrk time
bench-deps:
	@missing=""; \
	for p in $(BENCH_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing Debian packages:$$missing" >&2; \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo="sudo"; \
	  $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi

## bench: benchmarks against their peers, in one run; figures go to the README table.
bench: release bench-deps
	./scripts/bench/run.sh

## console-debs: Debian's libjs-chart.js (Chart.js, served at /console/vendor/chart.js) when missing;
## console-deps: also chromium and Playwright for Python in Tests/Console/.venv (no browser
## download: the tests drive /usr/bin/chromium).
CONSOLE_VENV   := Tests/Console/.venv
CONSOLE_PYTHON := $(CONSOLE_VENV)/bin/python
define console_apt
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing Debian packages:$$missing" >&2; \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo="sudo"; \
	  $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi
endef
console-debs:
	$(call console_apt,libjs-chart.js)
console-deps: console-debs
	$(call console_apt,chromium python3-venv)
	@if ! $(CONSOLE_PYTHON) -c 'import playwright' 2>/dev/null; then \
	  python3 -m venv $(CONSOLE_VENV) && \
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(CONSOLE_VENV)/bin/pip install --quiet playwright; \
	fi

## The demo serves the console: Chart.js (libjs-chart.js) for its charts.
demo: console-debs

## test-console: the console's full browser suite (issue #16's jobs per role) on generated data.
test-console: build console-deps
	$(CONSOLE_PYTHON) Tests/Console/console_tests.py $(CORDON_DEBUG) full

## console-screenshots: a PNG of every console page into docs/console/.
console-screenshots: build console-deps
	$(CONSOLE_PYTHON) Tests/Console/console_tests.py $(CORDON_DEBUG) screenshots docs/console

clean:
	rm -rf .build cordon-data cordon-demo
