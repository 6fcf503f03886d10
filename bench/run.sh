#!/usr/bin/env bash
# Cairn benchmarks: prints every figure, with the peer's figure beside it where there is a peer.
# Usage: bench/run.sh [TABLES]   (default 5000). Needs python3, psql/pg_dump and a local
# PostgreSQL (CAIRN_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-5000}"
PG="${CAIRN_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SHARED="${CAIRN_SHARED:-../shared}"
OUT=bench/out
mkdir -p "$OUT"

echo "== building cairn (release)"
cargo build -q --release -p cairn-cli
CAIRN="$PWD/target/release/cairn"

echo "== generating inputs: $N tables"
python3 "$SHARED/bench/gen_schema.py" -n "$N" --format hcl -o "$OUT/v1.pg.hcl"
python3 "$SHARED/bench/gen_schema.py" -n "$N" --format sql --dialect postgres -o "$OUT/v1.pg.sql"
ls -l "$OUT/v1.pg.hcl" "$OUT/v1.pg.sql" | awk '{print "   " $5 " bytes  " $9}'

# measure LABEL CMD...: wall seconds and peak RSS (MB) of one run; its output is discarded.
measure() {
  local label="$1"; shift
  /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || {
    echo "   $label: FAILED"; tail -n 5 "$OUT/stderr.txt"; return 0; }
  local secs mem
  secs=$(awk '{print $1}' "$OUT/time.txt")
  mem=$(awk '{printf "%.0f", $2/1024}' "$OUT/time.txt")
  printf "   %-62s %8ss %7s MB\n" "$label" "$secs" "$mem"
}

echo "== compile: $N-table HCL schema to the IR (and print it)"
measure "cairn schema inspect --url file://v1.pg.hcl --format json" "$CAIRN" schema inspect --url "file://$OUT/v1.pg.hcl" --format json
measure "cairn schema inspect --url file://v1.pg.hcl --format sql" "$CAIRN" schema inspect --url "file://$OUT/v1.pg.hcl" --format sql
measure "cairn schema inspect --url file://v1.pg.sql (SQL front end)" "$CAIRN" schema inspect --url "file://$OUT/v1.pg.sql" --format json

echo "== inspect: a live PostgreSQL database of $N tables"
DB="cairn_bench_$$"
psql -q "$PG" -c "CREATE DATABASE $DB" >/dev/null
trap 'psql -q "$PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null' EXIT
DBURL="$(echo "$PG" | sed -E "s#/[^/?]*(\?|$)#/$DB\1#")"
psql -q -v ON_ERROR_STOP=1 "$DBURL" -f "$OUT/v1.pg.sql" >/dev/null
psql -q "$DBURL" -c "ANALYZE" >/dev/null
measure "cairn schema inspect --url postgres://.../$DB --format json" "$CAIRN" schema inspect --url "$DBURL" --format json
measure "pg_dump --schema-only (peer)" pg_dump --schema-only "$DBURL"
