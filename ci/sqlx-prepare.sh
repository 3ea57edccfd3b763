#!/usr/bin/env bash
# ci/sqlx-prepare.sh - refresh (or, with --check, verify) the sqlx query cache
# in reference-server/.sqlx, which lets the query macros compile without a
# database (.cargo/config.toml sets SQLX_OFFLINE=true).
#
# Usage:  ci/sqlx-prepare.sh           rewrite reference-server/.sqlx
#         ci/sqlx-prepare.sh --check   fail if reference-server/.sqlx is stale
#
# Needs the PostgreSQL 15 binaries (see ci/local-postgres.sh); no sqlx-cli:
# the macros write the cache themselves when SQLX_OFFLINE_DIR is set.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$ROOT/reference-server/.sqlx"
mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) die "unknown argument '$1' (expected nothing or --check)" ;;
esac

# A cluster of its own, so that it never collides with the test database.
export LOCAL_PG_DIR="${TMPDIR:-/tmp}/todo-sqlx-prepare-pg"
export LOCAL_PG_PORT="${SQLX_PREPARE_PG_PORT:-25433}"
database_url=$("$ROOT/ci/local-postgres.sh" start)
trap '"$ROOT/ci/local-postgres.sh" stop >/dev/null 2>&1 || true; rm -rf "${out:-}"' EXIT

log "applying migrations"
for migration in "$ROOT"/reference-server/migrations/*.sql; do
  psql "$database_url" --quiet -v ON_ERROR_STOP=1 --no-psqlrc -f "$migration" >/dev/null \
    || die "migration $(basename "$migration") failed"
done

out=$(mktemp -d)
log "expanding the query macros against the database"
# Touching a source file makes cargo re-run every macro of the crate.
touch "$ROOT/reference-server/src/lib.rs"
(cd "$ROOT" && SQLX_OFFLINE=false DATABASE_URL="$database_url" SQLX_OFFLINE_DIR="$out" \
  cargo build --quiet -p todo-reference-server --lib) || die "cargo build failed"
touch "$ROOT/reference-server/src/lib.rs"

if [ "$mode" = check ]; then
  if ! diff -r "$out" "$CACHE" >/dev/null 2>&1; then
    diff -r "$out" "$CACHE" >&2 || true
    die "reference-server/.sqlx is stale: run ci/sqlx-prepare.sh and commit the result"
  fi
  log "reference-server/.sqlx is up to date ($(ls "$out" | wc -l) queries)"
else
  rm -rf "$CACHE"
  mkdir -p "$CACHE"
  cp "$out"/*.json "$CACHE"/
  log "wrote $(ls "$CACHE" | wc -l) queries to reference-server/.sqlx"
fi
