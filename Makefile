# Oxidesk — the two commands: `make run` and `make test`. Both install what is missing first.

SHELL := /bin/bash
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
TOOLS_BIN := $(HOME)/.cache/oxidesk/tools/node_modules/.bin
export PATH := $(HOME)/.cargo/bin:$(TOOLS_BIN):$(PATH)
BIN_RELEASE := $(TARGET_DIR)/release/oxidesk
BIN_DEBUG := $(TARGET_DIR)/debug/oxidesk
DATA_DIR ?= data

.PHONY: run build spa test test-lint test-unit test-postgres test-browser test-browser-postgres test-fuzz test-client test-deny test-schema schema openapi bench bench-ui clean-data

## make run: build everything in release and serve on 127.0.0.1:8080 with SQLite in ./data
run: build
	$(BIN_RELEASE) --data-dir $(DATA_DIR) serve --bind 127.0.0.1:8080

build:
	scripts/tools.sh build
	$(MAKE) spa
	cargo build --release -p oxidesk

## The two web apps (portal and desk), built by Trunk into frontend/dist (embedded into the binary
## by the backend build) — only when their sources changed, and writing only files whose content
## changed, so that an unchanged SPA does not make the release backend recompile (scripts/spa.sh).
SPA_STAMP := $(TARGET_DIR)/spa.stamp
SPA_SOURCES := $(shell find frontend/src frontend/portal frontend/desk shared/src -type f 2>/dev/null) \
	frontend/style.css frontend/Cargo.toml shared/Cargo.toml Cargo.toml Cargo.lock Trunk.toml \
	.cargo/config.toml scripts/spa.sh

spa:
	@[ -f frontend/dist/index.html ] && [ -f frontend/dist/desk/index.html ] || rm -f $(SPA_STAMP)
	@$(MAKE) --no-print-directory $(SPA_STAMP)

$(SPA_STAMP): $(SPA_SOURCES)
	scripts/spa.sh
	@mkdir -p $(dir $@) && touch $@

## make test: every suite — unit, integration and e2e on SQLite, again on PostgreSQL, browser,
## schema fuzzing of the API, a generated client's story, the dependency policy, and the diesel
## schema against both migration sets.
test:
	scripts/tools.sh test
	$(MAKE) test-schema
	$(MAKE) spa
	cargo build -p oxidesk
	$(MAKE) test-lint
	$(MAKE) test-deny
	$(MAKE) test-fuzz
	$(MAKE) test-client
	$(MAKE) test-unit
	$(MAKE) test-postgres
	$(MAKE) test-browser
	$(MAKE) test-browser-postgres

## The LDAP tests need the test directory of scripts/ldap.sh (a private slapd on 127.0.0.1:3389),
## the mail tests the SMTP sinks and dovecot of scripts/mail.sh (127.0.0.1:10025… and 10143/10993).
test-unit:
	ldap=$$(scripts/ldap.sh) && mail=$$(scripts/mail.sh) && \
		OXIDESK_LDAP_URL=$$ldap OXIDESK_MAIL_TEST_DIR=$$mail OXIDESK_BIN=$(BIN_DEBUG) cargo test --workspace

test-postgres:
	ldap=$$(scripts/ldap.sh) && mail=$$(scripts/mail.sh) && TEST_DATABASE_URL=$$(scripts/postgres.sh) \
		OXIDESK_LDAP_URL=$$ldap OXIDESK_MAIL_TEST_DIR=$$mail OXIDESK_BIN=$(BIN_DEBUG) cargo test --workspace

test-browser:
	ldap=$$(scripts/ldap.sh) && mail=$$(scripts/mail.sh) && \
		OXIDESK_LDAP_URL=$$ldap OXIDESK_MAIL_TEST_DIR=$$mail e2e/browser/run.sh $(BIN_DEBUG)

## The desk's stories again on PostgreSQL, with a replica serving each story's second person (the
## live updates, the bell, people and drafts, finding tickets), as issue 14 asks.
test-browser-postgres:
	mail=$$(scripts/mail.sh) && BROWSER_DATABASE_URL=$$(scripts/postgres.sh) OXIDESK_MAIL_TEST_DIR=$$mail \
		e2e/browser/run.sh $(BIN_DEBUG) tests/live.spec.ts tests/bell.spec.ts tests/people.spec.ts tests/find.spec.ts tests/desk.spec.ts

## Schemathesis against /api/openapi.json of the debug binary (about 2 minutes; docs/architecture.md).
test-fuzz:
	scripts/schemathesis.sh $(BIN_DEBUG)

## A Python client generated from the committed openapi/openapi.json by openapi-python-client (every
## generator warning fatal) runs the seed-003 osTicket story against the debug binary (about 10 s).
test-client:
	scripts/generated-client.sh $(BIN_DEBUG)

## rustfmt (rustfmt.toml) and clippy with every warning an error, over every crate and its tests.
test-lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

## cargo-deny: licences, bans and sources; advisories when a local RustSec copy exists.
test-deny:
	scripts/deny.sh

## The committed diesel schema (backend/src/core/db/schema.rs) against diesel's print-schema of both
## migration sets, each applied to a fresh database (a temp SQLite file; a temporary database on
## $TEST_DATABASE_URL's server, else scripts/postgres.sh's, dropped afterwards). About 2 s. Fails with
## a diff on any difference; the engine-only exclusions are in scripts/schema-normalise.py.
test-schema:
	scripts/tools.sh schema
	scripts/check-schema.sh

## Regenerate schema.rs from the SQLite migrations (the canonical source), then check PostgreSQL's.
schema:
	scripts/tools.sh schema
	scripts/check-schema.sh --write

## Regenerate the committed OpenAPI document.
openapi:
	cargo run -q -p oxidesk -- openapi > openapi/openapi.json

## Load benchmark (see docs/PERFORMANCE.md).
bench:
	scripts/tools.sh bench
	$(MAKE) spa
	cargo build --release -p oxidesk -p oxidesk-e2e
	OXIDESK_BIN=$(BIN_RELEASE) $(TARGET_DIR)/release/bench
	OXIDESK_BIN=$(BIN_RELEASE) OXIDESK_MAIL_TEST_DIR=$$(scripts/mail.sh) $(TARGET_DIR)/release/bench_mail
	scripts/bench-ui.sh $(BIN_RELEASE)

## Only the SPA's budgets: the portal's and the desk's WASM sizes and the list's first page with
## 10k tickets in Chromium (docs/PERFORMANCE.md; e2e/browser/tests/budget.spec.ts checks the sizes).
bench-ui:
	scripts/tools.sh test
	$(MAKE) spa
	cargo build --release -p oxidesk
	scripts/bench-ui.sh $(BIN_RELEASE)
