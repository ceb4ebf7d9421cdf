#!/usr/bin/env bash
# Sets up what Portico needs (idempotently) and runs it: SQLite under ./data, emails kept in the
# outbox, listening on PORTICO_ADDR (default 127.0.0.1:3000). Extra arguments go to `portico`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_build_tools
build_release
step "Starting Portico: ${CARGO_TARGET_DIR:-target}/release/portico $*"
exec "${CARGO_TARGET_DIR:-target}/release/portico" "$@"
