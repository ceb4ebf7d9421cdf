#!/usr/bin/env bash
# Sets up what the tests need (idempotently) and runs every test: formatting and lints, unit and
# store tests, the server integration suite on SQLite (and on Postgres when TEST_POSTGRES_URL is
# set), the release build started with the README's run command, and the browser tests in
# Chromium, hydrated and with JavaScript off.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_build_tools
ensure_browser
ensure_nginx
ensure_schemathesis

# Build outputs live outside the clone so later runs (and CI on this machine) reuse them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portico/target}"
# The same flag cargo-leptos uses in debug, so these builds share one cache.
DEBUG_FLAGS="--cfg erase_components"

step "Formatting: cargo fmt --all -- --check"
cargo fmt --all -- --check

step "Lints (server side): cargo clippy --workspace --all-targets -- -D warnings"
RUSTFLAGS="$DEBUG_FLAGS" cargo clippy --workspace --all-targets -- -D warnings
step "Lints (browser side): cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings"
RUSTFLAGS="$DEBUG_FLAGS" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "Unit, store and integration tests on SQLite: cargo test --workspace"
RUSTFLAGS="$DEBUG_FLAGS" TEST_POSTGRES_URL= cargo test --workspace

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  step "Integration tests on Postgres ($TEST_POSTGRES_URL, a fresh database per test)"
  RUSTFLAGS="$DEBUG_FLAGS" cargo test -p server --test integration
else
  step "Postgres: skipped (set TEST_POSTGRES_URL=postgres://user@host:5432/db to run the suite there too)"
fi

build_release

# The guard against regressions; the target and the measured history are in docs/benchmarks.md.
step "First-load size of the release site"
node scripts/first-load-size.mjs target/site/pkg 300

step "The release binary started from another folder serves its pages with their wasm and CSS"
bin="$(cd "$CARGO_TARGET_DIR" && pwd)/release/portico"
elsewhere=$(mktemp -d)
other_port="${PORTICO_E2E_OTHER_PORT:-3218}"
(cd "$elsewhere" && exec env -u LEPTOS_SITE_ROOT PORTICO_ADDR="127.0.0.1:$other_port" \
  PORTICO_DATABASE_URL="sqlite://$elsewhere/portico.db" "$bin" >"$elsewhere/server.log" 2>&1) &
other=$!
trap 'kill "$other" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$other_port/healthz" >/dev/null 2>&1 && break
  sleep 1
done
assets=$(curl -fsS "http://127.0.0.1:$other_port/login" | grep -o '/pkg/[^"]*' | sort -u)
grep -q '\.wasm$' <<<"$assets" && grep -q '\.css$' <<<"$assets" \
  || { cat "$elsewhere/server.log"; echo "the login page names no wasm or CSS: $assets" >&2; exit 1; }
for asset in $assets; do
  curl -fsS -o /dev/null "http://127.0.0.1:$other_port$asset" \
    || { echo "$asset: not served by $bin started in $elsewhere" >&2; exit 1; }
  echo "served from $elsewhere: $asset"
done
kill "$other"
wait "$other" 2>/dev/null || true
trap - EXIT

port="${PORTICO_E2E_PORT:-3217}"
smtp_port="${PORTICO_E2E_SMTP_PORT:-3225}"
work=$(mktemp -d)
step "Starting a real SMTP listener for the browser tests on 127.0.0.1:$smtp_port (messages in $work/mail)"
node end2end/smtp-sink.mjs "$smtp_port" "$work/mail" >"$work/smtp.log" 2>&1 &
smtp=$!
step "Starting Portico with the README's run command on 127.0.0.1:$port (fresh SQLite database, log in $work/server.log)"
PORTICO_ADDR="127.0.0.1:$port" \
PORTICO_DATABASE_URL="sqlite://$work/portico.db" \
PORTICO_SMTP_URL="smtp://127.0.0.1:$smtp_port?tls=none" \
PORTICO_ADMIN_EMAIL=admin@example.com \
PORTICO_ADMIN_PASSWORD='correct horse battery staple' \
  scripts/run.sh >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" "$smtp" 2>/dev/null || true' EXIT
# The run command may rebuild the release site first: 15 minutes on a slow 2-core machine.
for _ in $(seq 1 2400); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "Portico did not start" >&2; exit 1; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz" && echo " <- /healthz"
curl -fsS "http://127.0.0.1:$port/login" | grep -q '>Log in<' && echo "/login renders"

step "Browser tests in Chromium (hydrated and JavaScript off)"
PORTICO_E2E_URL="http://127.0.0.1:$port" PORTICO_E2E_MAILDIR="$work/mail" \
  npx playwright test --config end2end/playwright.config.ts

step "Stopping Portico with SIGTERM (graceful shutdown)"
kill -TERM "$server"
wait "$server"
kill "$smtp" 2>/dev/null || true
trap - EXIT

step "The committed OpenAPI document is valid OpenAPI 3.1: "$PORTICO_PY_TOOLS/openapi-spec-validator" docs/openapi.json"
"$PORTICO_PY_TOOLS/openapi-spec-validator" docs/openapi.json

api_port="${PORTICO_API_PORT:-3219}"
# Schemathesis against a fresh Portico on $1 (a database URL): every operation of the served
# document, with a read-write token of the first admin.
fuzz_api() {
  local database_url="$1" api
  api=$(mktemp -d)
  export PORTICO_DATABASE_URL="$database_url" PORTICO_ADMIN_EMAIL=admin@example.com \
    PORTICO_ADMIN_PASSWORD='correct horse battery staple' PORTICO_API_RATE_PER_MINUTE=1000000
  PORTICO_ADDR="127.0.0.1:$api_port" "$bin" >"$api/server.log" 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$api_port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$api/server.log"; echo "Portico did not start" >&2; exit 1; }
    sleep 1
  done
  curl -fsS "http://127.0.0.1:$api_port/healthz" >/dev/null || { cat "$api/server.log"; echo "Portico did not answer" >&2; exit 1; }
  # The server created the admin from PORTICO_ADMIN_*; the token is added beside it.
  token=$("$bin" admin token --email admin@example.com --name schemathesis --access write --expires-in-days 7 2>"$api/token.log") \
    || { cat "$api/token.log"; exit 1; }
  # 5xx, answers that do not match their schema, status codes and content types the document
  # does not name: each is a failure. --seed makes a failure reproducible with the same command.
  (cd "$api" && "$PORTICO_PY_TOOLS/st" run "http://127.0.0.1:$api_port/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
    --max-examples 40 --seed 20261207 --no-color) \
    || { tail -50 "$api/server.log"; exit 1; }
  # The token must have lived through the run (an operation that killed it would leave the rest
  # tested only for 401).
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$api_port/api/v1/users?limit=1" \
    || { echo "The schemathesis token stopped working during the run" >&2; exit 1; }
  unset PORTICO_DATABASE_URL PORTICO_ADMIN_EMAIL PORTICO_ADMIN_PASSWORD PORTICO_API_RATE_PER_MINUTE
  kill -TERM "$server"
  wait "$server" || true
  trap - EXIT
}

step "Schemathesis against the REST API of a fresh Portico on SQLite, 127.0.0.1:$api_port (every operation of the served document)"
fuzz_api "sqlite://$(mktemp -d)/portico.db"
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  fuzz_db="portico_schemathesis_$(date +%s)_$$"
  step "Schemathesis again on Postgres (a fresh database $fuzz_db)"
  psql -q "$TEST_POSTGRES_URL" -c "create database $fuzz_db"
  fuzz_api "${TEST_POSTGRES_URL%/*}/$fuzz_db"
  psql -q "$TEST_POSTGRES_URL" -c "drop database $fuzz_db with (force)" || true
fi
echo "All tests passed."
