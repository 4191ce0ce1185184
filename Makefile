# Concierge: build, run and test. Every target installs what is missing first (scripts/setup.sh,
# a few seconds when everything is there). See README.md and shared/TOOLCHAIN.md.
#
#   make setup     install toolchain pieces (cargo-leptos, wasm-bindgen-cli, chromium, npm packages)
#   make run       serve http://127.0.0.1:3000 against database `concierge`
#   make cluster   three instances on database `concierge` behind HAProxy on :3000
#   make test      cargo tests (unit, database, HTTP) + browser tests, with stage timings
#   make lint      rustfmt + clippy (server and wasm), warnings are errors
#   make release   optimised build, precompressed static files, sizes and the first-load budget
#   make audit     Lighthouse on /login, dashboard, chat, calendar of a running server (AUDIT_URL)
#   make bench     cargo bench (server side)
#   make soak      three instances, 1,000 chats, 20 kill -9s and a Postgres restart (examples/soak.rs)
#   make eval      tool-calling accuracy per configured model (eval/tool_calls.json), knowledge base
#   make clean-db  stop the private PostgreSQL cluster in .data/pg, if one runs

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

.PHONY: help setup run cluster test fuzz lint release audit bench soak eval clean-db

# --- Sharing one target dir between cargo-leptos and plain cargo -------------------------------------
# cargo-leptos builds debug with RUSTFLAGS "<RUSTFLAGS from the environment> --cfg erase_components"
# (cargo-leptos 0.3.10, Project::to_envs). Plain cargo commands get the same value so both reuse
# the same compiled dependencies. Do NOT export RUSTFLAGS=--cfg erase_components around
# `cargo leptos`: it would append its own copy, and the doubled flag list rebuilds everything.
# (If a .cargo/config.toml ever sets build.rustflags, revisit this: cargo-leptos folds those in.)
ERASE_RUSTFLAGS = $${RUSTFLAGS:+$$RUSTFLAGS }--cfg erase_components
# leptos reads LEPTOS_OUTPUT_NAME at compile time (option_env!, for the hydration script name);
# cargo-leptos sets it, so plain cargo sets it too, or the leptos crates rebuild at every switch.
OUTPUT_NAME := $(or $(shell sed -n 's/^output-name *= *"\([^"]*\)".*/\1/p' Cargo.toml 2>/dev/null | head -n 1),concierge)
SITE_PORT := $(or $(shell sed -n 's/^site-addr *= *"[^"]*:\([0-9][0-9]*\)".*/\1/p' Cargo.toml 2>/dev/null | head -n 1),3000)
CARGO_DEBUG_ENV = RUSTFLAGS="$(ERASE_RUSTFLAGS)" LEPTOS_OUTPUT_NAME=$(OUTPUT_NAME)
# cargo-leptos builds the wasm in <target dir>/front; clippy for wasm uses it too (shares build
# scripts and proc-macros).
FRONT_TARGET_DIR = "$${CARGO_TARGET_DIR:-target}/front"

help:
	@sed -n '1,15s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

setup:
	@scripts/setup.sh

run: setup
	@eval "$$(scripts/db.sh concierge)"
	echo "==> serving http://127.0.0.1:$(SITE_PORT) (DATABASE_URL=$$DATABASE_URL)"
	cargo leptos serve

# Several instances on one database behind a load balancer (scripts/cluster.sh says what each
# needs). CLUSTER_SIZE, CLUSTER_PORT, CLUSTER_BASE_PORT as there.
cluster: setup
	@eval "$$(scripts/db.sh concierge)"
	cargo leptos build
	scripts/cluster.sh

# One shell: stage timings are printed at the end, also when a stage fails (the recipe then fails).
test:
	@timings=""
	t_all=$$(date +%s)
	summary() {
	  local rc=$$?
	  echo "==> stage wall times:"
	  printf '%s' "$$timings"
	  printf '    %-40s %5ss\n' "total" "$$(( $$(date +%s) - t_all ))"
	  if [ "$$rc" -eq 0 ]; then echo "==> make test: all stages passed"; else echo "==> make test: FAILED (exit $$rc)"; fi
	}
	trap summary EXIT
	# run_stage NAME CMD...: runs CMD in this shell, records its wall time, stops on failure.
	run_stage() {
	  local name="$$1"; shift
	  local t0=$$(date +%s) rc=0
	  echo "==> [$$name]"
	  "$$@" || rc=$$?
	  timings+="$$(printf '    %-40s %5ss' "$$name" "$$(( $$(date +%s) - t0 ))")"$$'\n'
	  if [ "$$rc" -ne 0 ]; then echo "==> stage '$$name' failed (exit $$rc)"; exit "$$rc"; fi
	}
	use_db() { local out; out="$$(scripts/db.sh "$$@")" || return $$?; eval "$$out"; }
	port_free() {
	  if (exec 9<>"/dev/tcp/127.0.0.1/$(SITE_PORT)") 2>/dev/null; then
	    echo "==> port $(SITE_PORT) is busy (make run still going?): the browser tests would hit that server"; return 1
	  fi
	}
	run_stage "setup" scripts/setup.sh
	run_stage "database concierge_test" use_db concierge_test
	# The NATS transport's tests need a NATS server (these machines run one; else a private one).
	use_nats() { local out; out="$$(scripts/nats.sh)" || return $$?; eval "$$out"; }
	run_stage "NATS server" use_nats
	# One test thread: every #[sqlx::test] has its own tokio runtime, and Leptos page renders in
	# several runtimes of one process at once can stall (tests/api/main.rs, `send`).
	run_stage "cargo test (ssr)" env $(CARGO_DEBUG_ENV) cargo test --no-default-features --features ssr -- --test-threads=1
	run_stage "database concierge_e2e (fresh)" use_db concierge_e2e --fresh
	run_stage "port $(SITE_PORT) free" port_free
	# The browser tests chat with the scripted model (predictable replies, a pause between words
	# so a reply can be reloaded and stopped mid-stream) and with the embedded model; webhooks
	# are delivered to a receiver the test runs on 127.0.0.1.
	run_stage "cargo leptos end-to-end" env CONCIERGE_SCRIPTED_MODEL=25 CONCIERGE_DEFAULT_MODEL=scripted/instant \
	  CONCIERGE_OUTBOUND_ALLOW=127.0.0.1 \
	  cargo leptos end-to-end
	# A small soak of the server built above: three processes on one database, 60 chats
	# followed on another instance than the one writing, 3 of them killed with SIGKILL.
	run_stage "database concierge_soak (fresh)" use_db concierge_soak --fresh
	run_stage "soak (3 instances, 60 chats, 3 kills)" env $(CARGO_DEBUG_ENV) SOAK_CHATS=60 SOAK_KILLS=3 \
	  SOAK_LATENCY_CHATS=20 SOAK_CONCURRENCY=20 SOAK_MAX_SECONDS=300 \
	  cargo run --quiet --no-default-features --features ssr --example soak
	# The same, smaller, with the instances' signals through NATS.
	run_stage "database concierge_soak (fresh, NATS)" use_db concierge_soak --fresh
	run_stage "soak over NATS (40 chats, 2 kills)" env $(CARGO_DEBUG_ENV) SOAK_NATS="$$CONCIERGE_TEST_NATS_URL" \
	  SOAK_CHATS=40 SOAK_KILLS=2 SOAK_LATENCY_CHATS=20 SOAK_CONCURRENCY=20 SOAK_MAX_SECONDS=300 \
	  cargo run --quiet --no-default-features --features ssr --example soak

# The property tests of every parser of outside text (src/fuzz.rs, and the parsers' own), with
# FUZZ_CASES cases each instead of make test's 10,000.
FUZZ_CASES ?= 1000000
fuzz: setup
	@echo "==> property tests, $(FUZZ_CASES) cases each"
	FUZZ_CASES=$(FUZZ_CASES) env $(CARGO_DEBUG_ENV) cargo test --no-default-features --features ssr --lib -- fuzz_ domain::parse domain::csv

lint: setup
	@echo "==> cargo fmt --check"
	cargo fmt --check
	echo "==> clippy (ssr, all targets)"
	env $(CARGO_DEBUG_ENV) cargo clippy --no-default-features --features ssr --all-targets -- -D warnings
	echo "==> clippy (hydrate, wasm32)"
	env $(CARGO_DEBUG_ENV) cargo clippy --no-default-features --features hydrate \
	  --target wasm32-unknown-unknown --target-dir $(FRONT_TARGET_DIR) -- -D warnings

release: setup
	@cargo leptos build --release
	site=target/site
	site_pkg=$$site/pkg
	shopt -s nullglob
	files=("$$site_pkg"/*.wasm "$$site_pkg"/*.js "$$site_pkg"/*.css)
	[ "$${#files[@]}" -gt 0 ] || { echo "==> no files in $$site_pkg"; exit 1; }
	# Precompressed copies beside each static file, served as they are (brotli at its highest
	# level, gzip for the rest); the server removes any older than their file at start-up.
	statics=("$${files[@]}" "$$site"/*.js "$$site"/*.html "$$site"/*.svg "$$site"/*.webmanifest)
	for f in "$${statics[@]}"; do
	  brotli -q 11 -f -k -o "$$f.br" "$$f"
	  gzip -9 -n -k -f "$$f"
	  touch "$$f.br" "$$f.gz"  # newer than their file: the start-up sweep keeps them
	done
	echo "==> sizes (bytes):"
	printf '    %-44s %10s %10s %10s\n' file raw brotli gzip
	for f in "$${statics[@]}"; do
	  printf '    %-44s %10s %10s %10s\n' "$$f" "$$(stat -c %s "$$f")" "$$(stat -c %s "$$f.br")" "$$(stat -c %s "$$f.gz")"
	done
	bin="$${CARGO_TARGET_DIR:-target}/release/concierge"
	if [ -f "$$bin" ]; then printf '    %-44s %10s\n' "$$bin" "$$(stat -c %s "$$bin")"; fi
	# The first-load budget: what a cold /login fetches besides its HTML (a few KB, measured in
	# the browser by `node end2end/first-load.mjs`), as brotli.
	python3 scripts/first-load.py "$$site" "$${FIRST_LOAD_BUDGET_KB:-350}" login

# Lighthouse (npm, in audit/, installed here on first use; never by make test) against a running
# server: serve a release build for numbers worth reporting. Fails when a score is under AUDIT_MIN.
audit:
	@cd audit
	[ -d node_modules/lighthouse ] || npm install --no-audit --no-fund
	node run.mjs

# Benches run optimised and erased, as `cargo leptos build --release` builds the server
# (always-erase-components in Cargo.toml), so they measure what ships.
# benches/dashboard.rs and benches/chat.rs make (and drop) their own databases on that server.
# benches/chat.rs compares the embedded model with llama-cpp-python on the same GGUF: installed
# here when missing (pip builds it from source, ~10 minutes, once).
bench: setup
	@eval "$$(scripts/db.sh concierge_test)"
	if ! python3 -c 'import llama_cpp.server' 2>/dev/null; then
	  echo "==> pip install llama-cpp-python[server]==0.3.36 (reference engine and a real OpenAI-compatible peer; builds from source)"
	  python3 -m pip install --quiet 'llama-cpp-python[server]==0.3.36' || echo "==> llama-cpp-python unavailable: those parts are skipped"
	fi
	env $(CARGO_DEBUG_ENV) cargo bench --no-default-features --features ssr

# Tool-calling accuracy of every configured model (eval/tool_calls.json) and form filling from
# text (eval/inquiries.json): the embedded model,
# hosted ones from the environment, and (when llama-cpp-python is installed) the same GGUF behind
# llama.cpp's OpenAI-compatible server, called through our OpenAI provider.
# The scale-out soak (examples/soak.rs: what it checks and its settings). Loopback only; it
# restarts this machine's Postgres once (SOAK_PG_RESTART=0 to skip) and ends within
# SOAK_MAX_SECONDS (900).
soak: setup
	@eval "$$(scripts/db.sh concierge_soak --fresh)"
	cargo leptos build
	env $(CARGO_DEBUG_ENV) SOAK_PG_RESTART=$${SOAK_PG_RESTART:-1} \
	  cargo run --quiet --no-default-features --features ssr --example soak

eval: setup
	@peer=""
	if python3 -c 'import llama_cpp.server' 2>/dev/null && [ -z "$${OPENAI_BASE_URL:-}" ]; then
	  python3 -m llama_cpp.server --model .data/models/SmolLM2-135M-Instruct.Q4_1.gguf --host 127.0.0.1 --port 8091 \
	    --chat_format chatml-function-calling --n_ctx 4096 >/tmp/concierge-eval-llama.log 2>&1 & peer=$$!
	  trap 'kill $$peer 2>/dev/null || true' EXIT
	  for _ in $$(seq 1 60); do (exec 9<>/dev/tcp/127.0.0.1/8091) 2>/dev/null && break; sleep 0.5; done
	  export OPENAI_BASE_URL=http://127.0.0.1:8091/v1 OPENAI_MODELS=smollm2-llamacpp OPENAI_API_KEY=none
	fi
	# A scratch database with the demo venue and its documents: the tool eval routes to the
	# document search as the chat does; the knowledge base (eval/knowledge.json) is measured on it.
	eval "$$(scripts/db.sh concierge_kb_eval --fresh)"
	LEPTOS_OUTPUT_NAME=$(OUTPUT_NAME) RUSTFLAGS="$(ERASE_RUSTFLAGS)" cargo run --quiet --no-default-features --features ssr --example eval
	LEPTOS_OUTPUT_NAME=$(OUTPUT_NAME) RUSTFLAGS="$(ERASE_RUSTFLAGS)" cargo run --quiet --no-default-features --features ssr --example assist_eval
	LEPTOS_OUTPUT_NAME=$(OUTPUT_NAME) RUSTFLAGS="$(ERASE_RUSTFLAGS)" cargo run --quiet --no-default-features --features ssr --example knowledge_eval
	# Whole turns on a real server with the demo venue (eval/turns.json), on the default model.
	LEPTOS_OUTPUT_NAME=$(OUTPUT_NAME) RUSTFLAGS="$(ERASE_RUSTFLAGS)" cargo run --quiet --no-default-features --features ssr --example turn_eval

clean-db:
	@scripts/db.sh --stop
