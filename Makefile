# Nanoforge. `make run` opens the app; `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
APP_BIN := target/debug/nanoforge-app
export PATH := $(CURDIR)/.tools/bin:$(PATH)
# Every cargo step of `make test` selects the same packages and features: cargo unifies features over
# the packages one command selects, so `cargo build -p X` after `cargo test --workspace` recompiles
# most of the tree (minutes each, measured on a fresh clone). The app is built with its embedded UI
# (custom-protocol) in that same build, so the real-window tests reuse it.
TEST_BUILD := cargo test --workspace --features nanoforge-app/custom-protocol

.PHONY: run test e2e bench fmt lint lint-ui bindings setup-app setup-test ui-dist ui-dist-present app-prod \
        test-rust test-interop test-bindings test-ui test-browser test-oidc-provider check-android test-package dist

run: setup-app app-prod
	$(APP_BIN)

# Incremental compilation only pays off on rebuilds, and its caches take gigabytes (a CI run ran out
# of disk); every cargo step of `make test` and the sub-makes it starts builds without it.
test: export CARGO_INCREMENTAL = 0
# One compile for the build and the lints: the workspace's crates are compiled by clippy-driver,
# which compiles exactly as rustc does and lints on the way (warnings are errors; the unwrap/expect
# rule is the workspace's `[lints]`), instead of a `cargo clippy` pass that type-checked the whole
# tree a second time (16 of 55 minutes on 2026-11-30). `make lint` still runs clippy on its own.
# Test builds carry no debug info (dependencies never did): panics still name file and line, and
# the test executables and libraries shrink by about a third, which keeps a fresh clone's target/
# under 5 GB (6.2 GB with line tables on 2026-12-07). `make run` and developers' builds keep them.
test: export CARGO_PROFILE_DEV_DEBUG = false
test: export RUSTC_WORKSPACE_WRAPPER = clippy-driver
test: export CLIPPY_ARGS = -Dwarnings
test:
	scripts/step.sh --reset
	scripts/step.sh setup scripts/setup.sh test
	scripts/step.sh fmt cargo fmt --all -- --check
	scripts/step.sh ui-dist $(MAKE) ui-dist
	scripts/step.sh lint-ui $(MAKE) lint-ui
	scripts/step.sh test-rust $(MAKE) test-rust
	scripts/step.sh test-interop $(MAKE) test-interop
	scripts/step.sh test-oidc-provider $(MAKE) test-oidc-provider
	scripts/step.sh check-android $(MAKE) check-android
	scripts/step.sh test-bindings $(MAKE) test-bindings
	scripts/step.sh test-ui $(MAKE) test-ui
	scripts/step.sh test-browser $(MAKE) test-browser
	scripts/step.sh e2e $(MAKE) e2e UI_BUILT=1
	scripts/step.sh test-package $(MAKE) test-package
	scripts/step.sh --table
	@echo "make test: all suites passed"

setup-app:
	scripts/setup.sh app

setup-test:
	scripts/setup.sh test

# The build steps that embed the UI need some ui/dist; `make test` builds it once, first.
ui-dist-present:
	[ -f ui/dist/index.html ] || $(MAKE) ui-dist

ui-dist:
	cd ui && npm run build

# The app in production mode (embedded ui/dist), as a user gets it.
app-prod: ui-dist
	cargo build -p nanoforge-app --features custom-protocol

# The app embeds ui/dist (make ui-dist) when built with custom-protocol. Every target is built (and,
# under `make test`, linted) first: benches and examples too, as clippy's --all-targets did.
test-rust: ui-dist-present
	$(TEST_BUILD) --all-targets --no-run
	scripts/with-keyring.sh $(TEST_BUILD)
	# The sync bench still runs (a smoke check; `make bench` measures it with more images).
	NANOFORGE_BENCH_IMAGES=20 NANOFORGE_BENCH_PHONE_IMAGES=40 $(TEST_BUILD) --bench sync

# Stored PNGs and exported PNG, JPEG and WebP copies read back by sd-parsers (PyPI), an
# AUTOMATIC1111-metadata reader that is not ours, installed into a venv under .tools/ by the script
# (the CLI and the fake Gemini and Nano Banana servers come from the test build).
test-interop:
	$(TEST_BUILD) --no-run
	tests/interop/run.sh

# Fails when the committed ui/src/bindings.ts differs from what the Rust commands export.
test-bindings:
	$(TEST_BUILD) --test bindings --quiet

# Regenerates ui/src/bindings.ts from the Rust commands.
bindings: ui-dist-present
	UPDATE_BINDINGS=1 $(TEST_BUILD) --test bindings --quiet

# The local OpenID provider the sign-in tests run against, checked on its own.
test-oidc-provider:
	node --test tests/oidc-provider/selftest.mjs

test-ui:
	cd ui && npm run typecheck && npx vitest run

test-browser:
	cd ui && npm run build:test && node tests/browser/run.mjs

# The real window against the fake Nano Banana server, the fake Gemini server, the S3 test server and
# the local OpenID provider (and a 100k-image library), with a real keychain.
e2e:
	$(if $(UI_BUILT),,$(MAKE) ui-dist)
	$(TEST_BUILD) --no-run
	scripts/with-keyring.sh tests/e2e/run.sh

# The installable package from the debug build `make e2e` left (checked Depends, install, first
# start of the installed app, the installed CLI, purge). `tests/package/run.sh FILE.deb` checks another.
test-package:
	scripts/with-keyring.sh tests/package/run.sh

# The app and core type-checked for Android (no NDK here: docs/mobile.md), in the main target folder.
check-android:
	scripts/check-android.sh

# Installable .deb and .rpm packages, release build: the app (icon, desktop entry) and the nanoforge CLI in /usr/bin.
# macOS and Windows packages are built on those systems (README "Install").
# The CLI is run from ui/ (it finds the npm packages there; TAURI_APP_PATH points it at src-tauri) and
# builds ui/dist itself (build.beforeBuildCommand).
# The packages' requirements are computed from the built binaries on this machine
# (scripts/package_config.py), as debhelper and rpm's autoreq do; the lists in tauri.conf.json are
# only a fallback for a bare `tauri build`.
# Where the release's packages are downloaded from (latest.json's URLs; the endpoint in tauri.conf.json
# reads latest.json from the latest release). NANOFORGE_RELEASE_URL overrides it for one build.
RELEASE_DOWNLOADS = https://github.com/nanoforge-studio/nanoforge/releases/download

dist: setup-app
	cargo build --release -p nanoforge-cli
	cd ui && TAURI_APP_PATH=../src-tauri ./node_modules/.bin/tauri build --no-bundle --ci
	cd ui && TAURI_APP_PATH=../src-tauri ./node_modules/.bin/tauri bundle --bundles deb,rpm --ci --config \
	  "$$(python3 ../scripts/package_config.py --cli ../target/release/nanoforge ../target/release/nanoforge-app)"
	@ls target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
	@if [ -n "$$TAURI_SIGNING_PRIVATE_KEY" ]; then \
	  version=$$(sed -n 's/^  "version": "\(.*\)",/\1/p' src-tauri/tauri.conf.json); \
	  python3 scripts/latest_json.py --version "$$version" \
	    --base-url "$${NANOFORGE_RELEASE_URL:-$(RELEASE_DOWNLOADS)/v$$version}" \
	    $${NANOFORGE_RELEASE_NOTES:+--notes-file "$$NANOFORGE_RELEASE_NOTES"} \
	    --deb target/release/bundle/deb/*.deb --rpm target/release/bundle/rpm/*.rpm > target/release/bundle/latest.json; \
	  ls target/release/bundle/deb/*.deb.sig target/release/bundle/rpm/*.rpm.sig target/release/bundle/latest.json; \
	else echo "make dist: no TAURI_SIGNING_PRIVATE_KEY, so no update signatures or latest.json (README: Releasing)"; fi

# Like `make test`, it installs what is missing first (the gallery bench needs Xvfb, WebKitWebDriver, a keyring).
bench: setup-test
	cargo bench -p nanoforge-core --bench library
	cargo bench -p nanoforge-core --bench sync
	cargo bench -p nanoforge-core --bench editing
	cargo bench -p nanoforge-core --bench batch
	# The release app in a real window over 100k images: target/bench/gallery.json.
	scripts/bench-gallery.sh

fmt:
	cargo fmt --all

# clippy on its own, for developers (`make test` lints during its build instead). The rule that
# nothing a user, a file or the network controls reaches an unwrap or expect is in Cargo.toml's
# [workspace.lints] (tests may: clippy.toml).
lint: ui-dist-present lint-ui
	cargo clippy --workspace --features nanoforge-app/custom-protocol --all-targets -- -D warnings

lint-ui:
	cd ui && npx eslint .
