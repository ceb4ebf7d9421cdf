# Sourced by run.sh and test.sh: installs, idempotently and only from package registries, what
# building and testing Portico needs. Each tool is skipped when present at the pinned version.

CARGO_LEPTOS_VERSION=0.3.10

step() { printf '\n==> %s\n' "$*"; }

# The wasm-bindgen-cli must match the wasm-bindgen library in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_build_tools() {
  export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup first" >&2; exit 1; }

  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Rust target wasm32-unknown-unknown: present"
  else
    step "Adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(cargo leptos --version 2>/dev/null)" = "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
    step "cargo-leptos $CARGO_LEPTOS_VERSION: present"
  else
    step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi

  local wbg
  wbg=$(wasm_bindgen_version)
  if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg" ]; then
    step "wasm-bindgen-cli $wbg: present"
  else
    step "Installing wasm-bindgen-cli $wbg (matches Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$wbg"
  fi

  if ! command -v npm >/dev/null; then
    step "Installing Node.js and npm (Debian packages)"
    apt-get update -q && apt-get install -y -q nodejs npm
  fi
  if [ -x node_modules/.bin/wasm-opt ] && [ -x node_modules/.bin/playwright ] && [ -d node_modules/smtp-server ] \
    && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    step "npm tools (binaryen's wasm-opt, Playwright): present"
  else
    step "Installing npm tools (binaryen's wasm-opt, Playwright) with npm ci"
    npm ci --no-audit --no-fund
  fi
}

ensure_browser() {
  if [ -x /usr/bin/chromium ]; then
    step "Chromium: present ($(/usr/bin/chromium --version 2>/dev/null))"
  else
    step "Installing Debian's Chromium for the browser tests"
    apt-get update -q && apt-get install -y -q chromium
  fi
}

# Debian's nginx, the real gateway of the gateway-check test (`auth_request` in front of an
# upstream the test starts): a few seconds from the package mirror, skipped when present.
ensure_nginx() {
  if [ -x /usr/sbin/nginx ]; then
    step "nginx: present ($(/usr/sbin/nginx -v 2>&1))"
  else
    step "Installing Debian's nginx for the gateway test (auth_request)"
    apt-get update -q && apt-get install -y -q --no-install-recommends nginx
  fi
}

# Schemathesis (PyPI), the schema-driven fuzzer of the REST API, and openapi-spec-validator, which
# checks docs/openapi.json against the OpenAPI 3.1 schema: pinned, in a virtualenv kept beside the
# build cache, skipped when present at these versions.
SCHEMATHESIS_VERSION=4.32.5
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0
ensure_schemathesis() {
  local venv="${PORTICO_CACHE:-$HOME/.cache/portico}/python-tools"
  if [ -x "$venv/bin/st" ] && "$venv/bin/pip" show schemathesis 2>/dev/null | grep -qx "Version: $SCHEMATHESIS_VERSION" \
    && "$venv/bin/pip" show openapi-spec-validator 2>/dev/null | grep -qx "Version: $OPENAPI_SPEC_VALIDATOR_VERSION"; then
    step "schemathesis $SCHEMATHESIS_VERSION and openapi-spec-validator $OPENAPI_SPEC_VALIDATOR_VERSION: present"
  else
    step "Installing schemathesis $SCHEMATHESIS_VERSION and openapi-spec-validator $OPENAPI_SPEC_VALIDATOR_VERSION (PyPI, in $venv)"
    python3 -m venv "$venv" || { apt-get update -q && apt-get install -y -q python3-venv && python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION"
  fi
  # Called by path (not put on PATH, where the virtualenv's python3 would shadow the system's).
  export PORTICO_PY_TOOLS="$venv/bin"
}

# The release build: server binary and the site (wasm, js, css) under target/site.
# `erase_components` type-erases Leptos components: the wasm comes out a quarter smaller.
build_release() {
  step "Building Portico (release): RUSTFLAGS=\"--cfg erase_components\" cargo leptos build --release --split"
  RUSTFLAGS="--cfg erase_components" cargo leptos build --release --split
}
