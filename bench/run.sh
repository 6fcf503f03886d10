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

echo "== diff and plan: two $N-table schemas, file to file (budget: 1 s, 300 MB)"
python3 "$SHARED/bench/gen_schema.py" -n "$N" --format hcl --evolve 500 -o "$OUT/v2.pg.hcl"
python3 "$SHARED/bench/gen_schema.py" -n "$N" --format sql --dialect postgres --evolve 500 -o "$OUT/v2.pg.sql"
measure "cairn schema diff --from file://v1.pg.hcl --to file://v2.pg.hcl" "$CAIRN" schema diff --from "file://$OUT/v1.pg.hcl" --to "file://$OUT/v2.pg.hcl"

echo "== diff: database to database, beside migra"
DB2="cairn_bench2_$$"
psql -q "$PG" -c "CREATE DATABASE $DB2" >/dev/null
trap 'psql -q "$PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null; psql -q "$PG" -c "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)" >/dev/null' EXIT
DBURL2="$(echo "$PG" | sed -E "s#/[^/?]*(\?|$)#/$DB2\1#")"
psql -q -v ON_ERROR_STOP=1 "$DBURL2" -f "$OUT/v2.pg.sql" >/dev/null
psql -q "$DBURL2" -c "ANALYZE" >/dev/null
measure "cairn schema diff --from postgres://.../v1 --to postgres://.../v2" "$CAIRN" schema diff --from "$DBURL" --to "$DBURL2"
VENV="$OUT/venv"
if [ ! -x "$VENV/bin/migra" ]; then
  python3 -m venv "$VENV" >/dev/null && "$VENV/bin/pip" install -q migra psycopg2-binary 'sqlalchemy<2' >/dev/null 2>&1 || echo "   (could not install migra)"
fi
to_psycopg() { echo "$1" | sed -E 's#^postgres(ql)?://#postgresql+psycopg2://#'; }
if [ -x "$VENV/bin/migra" ]; then
  # migra exits 2 when the databases differ; that is success here.
  measure "migra --unsafe v1 v2 (peer)" sh -c "'$VENV/bin/migra' --unsafe '$(to_psycopg "$DBURL")' '$(to_psycopg "$DBURL2")'; test \$? -le 2"
fi

echo "== renames: planning v2 (with its renamed_from hints) against the v1 database"
cairn_drops=$("$CAIRN" schema diff --from "$DBURL" --to "file://$OUT/v2.pg.hcl" 2>/dev/null | grep -c 'DROP COLUMN' || true)
cairn_renames=$("$CAIRN" schema diff --from "$DBURL" --to "file://$OUT/v2.pg.hcl" 2>/dev/null | grep -c 'RENAME COLUMN' || true)
echo "   cairn: $cairn_drops DROP COLUMN, $cairn_renames RENAME COLUMN"
if [ -x "$VENV/bin/migra" ]; then
  migra_drops=$("$VENV/bin/migra" --unsafe "$(to_psycopg "$DBURL")" "$(to_psycopg "$DBURL2")" 2>/dev/null | grep -ci 'drop column' || true)
  echo "   migra: $migra_drops DROP COLUMN (migra has no rename hints: every renamed column is dropped and re-added)"
fi

CAIRN="$CAIRN" CAIRN_SHARED="$SHARED" bench/lint.sh
echo "== migrate apply: a directory of 1,000 small migrations, beside sqlite3 and psql"
CAIRN="$CAIRN" CAIRN_BENCH_POSTGRES_URL="$PG" bench/migrate_apply.sh 1000
echo "== language server: the $N-table HCL schema open in cairn lsp (target: p95 < 50 ms)"
python3 bench/lsp.py "$CAIRN" "$OUT/v1.pg.hcl" 100
