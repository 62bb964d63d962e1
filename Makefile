# Nanoforge. `make run` opens the app; `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
APP_BIN := target/debug/nanoforge-app
export PATH := $(CURDIR)/.tools/bin:$(PATH)

.PHONY: run test e2e bench fmt lint bindings setup-app setup-test ui-dist app-prod \
        test-rust test-bindings test-ui test-browser test-oidc-provider

run: setup-app app-prod
	$(APP_BIN)

test: setup-test
	cargo fmt --all -- --check
	$(MAKE) lint
	$(MAKE) test-rust
	$(MAKE) test-oidc-provider
	$(MAKE) test-bindings
	$(MAKE) test-ui
	$(MAKE) test-browser
	$(MAKE) e2e
	@echo "make test: all suites passed"

setup-app:
	scripts/setup.sh app

setup-test:
	scripts/setup.sh test

ui-dist:
	cd ui && npm run build

# The app in production mode (embedded ui/dist), as a user gets it.
app-prod: ui-dist
	cargo build -p nanoforge-app --features custom-protocol

test-rust:
	scripts/with-keyring.sh cargo test --workspace

# Fails when the committed ui/src/bindings.ts differs from what the Rust commands export.
test-bindings:
	cargo test -p nanoforge-app --test bindings --quiet

# Regenerates ui/src/bindings.ts from the Rust commands.
bindings:
	UPDATE_BINDINGS=1 cargo test -p nanoforge-app --test bindings --quiet

# The local OpenID provider the sign-in tests run against, checked on its own.
test-oidc-provider:
	node --test tests/oidc-provider/selftest.mjs

test-ui:
	cd ui && npm run typecheck && npx vitest run

test-browser:
	cd ui && npm run build:test && node tests/browser/run.mjs

# The real window against the fake Nano Banana server (and a 100k-image library), with a real keychain.
e2e: app-prod
	cargo build -p fake-nanobanana -p nanoforge-cli
	scripts/with-keyring.sh tests/e2e/run.sh

bench:
	cargo bench -p nanoforge-core --bench library

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npx eslint .
