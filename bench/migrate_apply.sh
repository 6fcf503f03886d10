#!/usr/bin/env bash
# Versioned-migration benchmark (issue 6): `cairn migrate apply` of a directory of many small
# migration files, on a fresh SQLite file and a fresh PostgreSQL database, beside running the same
# SQL files directly with sqlite3 and psql. Prints wall seconds, peak MB and milliseconds per file.
# Usage: bench/migrate_apply.sh [FILES]   (default 1000). Needs python3, psql and a local
# PostgreSQL (CAIRN_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres);
# sqlite3 is optional (its rows are skipped with a notice when it is missing).
# CAIRN_BENCH_PER_PROCESS_FILES (default 100): how many files the one-process-per-file peers run.
# CAIRN=/path/to/cairn uses that binary instead of building the release one (bench/run.sh sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
# The one-process-per-file peers start a client (and on PostgreSQL a server backend) per file: they
# run over the first $PER files only, and their ms/file is over those.
PER="${CAIRN_BENCH_PER_PROCESS_FILES:-100}"
if [ "$PER" -gt "$N" ]; then PER="$N"; fi
PG="${CAIRN_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
OUT="$PWD/bench/out"
mkdir -p "$OUT"

if [ -z "${CAIRN:-}" ]; then
  echo "== building cairn (release)"
  cargo build -q --release -p cairn-cli
  CAIRN="$PWD/target/release/cairn"
fi

# measure LABEL CMD...: wall seconds, peak RSS (MB) and milliseconds per migration file of one run
# (FILES of them: $N unless set); its output is discarded.
measure() {
  local label="$1" files="${FILES:-$N}"; shift
  /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || {
    echo "   $label: FAILED"; tail -n 5 "$OUT/stderr.txt"; return 0; }
  local secs mem per
  secs=$(awk '{print $1}' "$OUT/time.txt")
  mem=$(awk '{printf "%.0f", $2/1024}' "$OUT/time.txt")
  per=$(awk -v s="$secs" -v n="$files" 'BEGIN {printf "%.2f", s * 1000 / n}')
  printf "   %-58s %8ss %7s MB %8s ms/file\n" "$label" "$secs" "$mem" "$per"
}

echo "== generating a migration directory of $N files"
DIR="$OUT/migrate_dir"
rm -rf "$DIR" && mkdir -p "$DIR"
# Every fourth file creates a table; the three after it add a column to it, index it and insert
# two rows into it. The SQL is the same for SQLite and PostgreSQL.
python3 - "$DIR" "$N" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    t = f"t{i // 4}"
    kind = i % 4
    if kind == 0:
        name, sql = "create", f"CREATE TABLE {t} (id integer PRIMARY KEY, name text NOT NULL, created_at timestamp);\n"
    elif kind == 1:
        name, sql = "add_column", f"ALTER TABLE {t} ADD COLUMN score integer;\n"
    elif kind == 2:
        name, sql = "index", f"CREATE INDEX {t}_name_idx ON {t} (name);\n"
    else:
        name, sql = "seed", (f"INSERT INTO {t} (id, name, score) VALUES (1, 'a', 1);\n"
                             f"INSERT INTO {t} (id, name, score) VALUES (2, 'b', 2);\n")
    with open(os.path.join(out, f"{20240101000000 + i}_{name}_{t}.sql"), "w") as f:
        f.write(sql)
PY
"$CAIRN" migrate hash --dir "file://$DIR"
"$CAIRN" migrate validate --dir "file://$DIR" >/dev/null
ALL="$OUT/migrate_all.sql"
cat "$DIR"/*.sql > "$ALL"
echo "   $(ls "$DIR"/*.sql | wc -l) files, $(grep -c ';' "$ALL") statements, atlas.sum valid"

SQLITE_DB="$OUT/migrate_bench.db"
DBS=()
cleanup() {
  rm -f "$SQLITE_DB" "$SQLITE_DB".*
  for db in "${DBS[@]+"${DBS[@]}"}"; do
    psql -q "$PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT
fresh_sqlite() { rm -f "$SQLITE_DB" "$SQLITE_DB".*; }
sqlite_tables() {
  if command -v sqlite3 >/dev/null; then
    echo "   tables: $(sqlite3 "$SQLITE_DB" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't%'")"
  fi
}

echo "== SQLite: $N files on a fresh database file"
fresh_sqlite
measure "cairn migrate apply --url sqlite://... (tx per file)" "$CAIRN" migrate apply --url "sqlite://$SQLITE_DB" --dir "file://$DIR"
sqlite_tables
if command -v sqlite3 >/dev/null; then
  fresh_sqlite
  measure "sqlite3 db < all files concatenated (peer, autocommit)" sh -c "sqlite3 -bail '$SQLITE_DB' < '$ALL'"
  sqlite_tables
  fresh_sqlite
  FILES=$PER measure "sqlite3 db < file, one process per file (peer, $PER files)" sh -c "for f in \$(ls '$DIR'/*.sql | head -n $PER); do sqlite3 -bail '$SQLITE_DB' < \"\$f\" || exit 1; done"
  sqlite_tables
else
  echo "   (sqlite3 is not installed: the sqlite3 peer rows are skipped; apt-get install -y sqlite3)"
fi

echo "== PostgreSQL: $N files on a fresh database"
# fresh_pg: creates a database, records it for cleanup and sets DBURL to it.
fresh_pg() {
  local db="cairn_bench_migrate_$$_${#DBS[@]}"
  psql -q "$PG" -c "CREATE DATABASE $db" >/dev/null
  DBS+=("$db")
  DBURL="$(echo "$PG" | sed -E "s#/[^/?]*(\?|$)#/$db\1#")"
}
pg_tables() {
  echo "   tables: $(psql -qtA "$DBURL" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't%'")"
}
with_search_path() { case "$1" in *\?*) echo "$1&search_path=public" ;; *) echo "$1?search_path=public" ;; esac; }
fresh_pg
measure "cairn migrate apply --url postgres://... (tx per file)" "$CAIRN" migrate apply --url "$(with_search_path "$DBURL")" --dir "file://$DIR"
pg_tables
fresh_pg
measure "psql -f all files concatenated (peer, autocommit)" psql -q -v ON_ERROR_STOP=1 "$DBURL" -f "$ALL"
pg_tables
fresh_pg
FILES=$PER measure "psql -f file, one process per file (peer, $PER files)" sh -c "for f in \$(ls '$DIR'/*.sql | head -n $PER); do psql -q -v ON_ERROR_STOP=1 '$DBURL' -f \"\$f\" || exit 1; done"
pg_tables
