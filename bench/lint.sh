#!/usr/bin/env bash
# The lint benchmark (issue 4): a 20,000-statement PostgreSQL migration linted by cairn in every
# output format, beside squawk's gcc and default reporters, in one table (wall and CPU time, peak
# memory, findings, ratio to squawk gcc); then cairn at N and 2N statements, for linearity.
# Usage: bench/lint.sh (bench/run.sh runs it). CAIRN names the binary (default: a release build);
# SQUAWK_TTY=0 skips squawk's slow default reporter.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${CAIRN_SHARED:-../shared}"
OUT=bench/out
mkdir -p "$OUT"
if [ -z "${CAIRN:-}" ]; then
  cargo build -q --release -p cairn-cli
  CAIRN="$PWD/target/release/cairn"
fi

# split_migration SQL DIR: the migration split into DIR/1_tables.sql and DIR/2_changes.sql,
# hashed.
split_migration() {
  rm -rf "$2" && mkdir -p "$2"
  python3 - "$1" "$2" <<'PY'
import sys
text = open(sys.argv[1]).read()
tables, changes = [], []
for stmt in text.split(";\n"):
    if not stmt.strip():
        continue
    body = "\n".join(l for l in stmt.splitlines() if not l.lstrip().startswith("--")).strip()
    (tables if body.upper().startswith("CREATE TABLE") else changes).append(stmt.strip() + ";\n")
open(sys.argv[2] + "/1_tables.sql", "w").write("\n".join(tables))
open(sys.argv[2] + "/2_changes.sql", "w").write("\n".join(changes))
PY
  "$CAIRN" migrate hash --dir "file://$2" >/dev/null
}

echo "== lint: a 20,000-statement PostgreSQL migration, beside squawk"
python3 "$SHARED/bench/gen_big_migration.py" -n 20000 -o "$OUT/big.sql" --seed 1
# Cairn lints a migration against the state before it, so changes to tables the same file creates
# carry no risk. The tables go first (1_tables.sql) and the changes to them second
# (2_changes.sql), so every ALTER and CREATE INDEX meets an existing table, as squawk assumes.
split_migration "$OUT/big.sql" "$OUT/lintdir"
# "All rules on": the opt-in rules too (type advice, TA1xx), through a project file.
printf 'lint {\n  params = {\n    type_advice = true\n  }\n}\n' > "$OUT/all-rules.hcl"
SQUAWK_VENV="$OUT/squawk-venv"
if [ ! -x "$SQUAWK_VENV/bin/squawk" ]; then
  python3 -m venv "$SQUAWK_VENV" >/dev/null && "$SQUAWK_VENV/bin/pip" install -q squawk-cli >/dev/null 2>&1 || echo "   (could not install squawk)"
fi
# lint_row LABEL COUNTER CMD...: one row of the table: wall seconds, CPU seconds (user+sys),
# peak RSS, the findings the output holds (COUNTER reads the output), and the wall time's
# ratio to squawk's gcc reporter. The output is kept in $OUT/lint-out.txt.
lint_rows=()
lint_row() {
  local label="$1" counter="$2"; shift 2
  if ! /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" "$@" >"$OUT/lint-out.txt" 2>"$OUT/stderr.txt"; then
    # cairn lint and squawk exit 1 when they report errors: that is success here.
    [ "$(tail -n 1 "$OUT/time.txt" | awk '{print NF}')" = 4 ] || { echo "   $label: FAILED"; tail -n 5 "$OUT/stderr.txt"; return 0; }
  fi
  local t; t=$(tail -n 1 "$OUT/time.txt")
  local n; n=$("$counter" < "$OUT/lint-out.txt")
  lint_rows+=("$label|$(echo "$t" | awk '{print $1}')|$(echo "$t" | awk '{printf "%.2f", $2+$3}')|$(echo "$t" | awk '{printf "%.0f", $4/1024}')|$n")
}
count_json() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)["diagnostics"]))'; }
count_sarif() { python3 -c 'import json,sys; print(sum(len(r["results"]) for r in json.load(sys.stdin)["runs"]))'; }
count_human() { grep -cE '^[^ ].*: (error|warning|notice|info)\[' || true; }
count_github() { grep -c '^::' || true; }
count_junit() { grep -c "<failure" || true; }  # one per failing test case (a file and rule)
count_gcc() { grep -cE ': (error|warning):' || true; }
count_tty() { grep -c '╭▸' || true; }
if [ -x "$SQUAWK_VENV/bin/squawk" ]; then
  lint_row "squawk --reporter gcc (peer)" count_gcc "$SQUAWK_VENV/bin/squawk" --reporter gcc "$OUT/big.sql"
  # The default (tty) reporter is slow on 40,000 findings: at most 10 minutes (SQUAWK_TTY=0
  # leaves it out).
  if [ "${SQUAWK_TTY:-1}" != 0 ]; then
    lint_row "squawk (default tty reporter, peer)" count_tty timeout 600 "$SQUAWK_VENV/bin/squawk" "$OUT/big.sql"
  fi
fi
for fmt in human json sarif github junit; do
  lint_row "cairn lint --format $fmt" "count_$fmt" "$CAIRN" lint --dialect postgres --format "$fmt" "$OUT/lintdir"
done
lint_row "cairn lint --format json, opt-in rules on" count_json "$CAIRN" -c "file://$OUT/all-rules.hcl" lint --dialect postgres --format json "$OUT/lintdir"
base=""
for r in "${lint_rows[@]}"; do
  case "$r" in "squawk --reporter gcc"*) base=$(echo "$r" | cut -d'|' -f2) ;; esac
done
printf "   %-44s %8s %8s %8s %9s %12s\n" "" "wall s" "cpu s" "peak MB" "findings" "vs squawk gcc"
for r in "${lint_rows[@]}"; do
  IFS='|' read -r label wall cpu mem n <<<"$r"
  ratio="-"
  [ -n "$base" ] && ratio=$(awk -v a="$wall" -v b="$base" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
  printf "   %-44s %8s %8s %8s %9s %12s\n" "$label" "$wall" "$cpu" "$mem" "$n" "$ratio"
done
echo "== lint: linear in statements (the same split, 10,000 and 20,000 statements)"
python3 "$SHARED/bench/gen_big_migration.py" -n 10000 -o "$OUT/big-half.sql" --seed 1 >/dev/null
split_migration "$OUT/big-half.sql" "$OUT/lintdir-half"
lint_rows=()
lint_row "N=10,000" count_json "$CAIRN" lint --dialect postgres --format json "$OUT/lintdir-half"
lint_row "2N=20,000" count_json "$CAIRN" lint --dialect postgres --format json "$OUT/lintdir"
IFS='|' read -r _ w1 c1 m1 n1 <<<"${lint_rows[0]}"
IFS='|' read -r _ w2 c2 m2 n2 <<<"${lint_rows[1]}"
echo "   N: ${w1}s wall, ${c1}s cpu, $n1 findings; 2N: ${w2}s wall, ${c2}s cpu, $n2 findings"
awk -v a="$c1" -v b="$c2" -v x="$n1" -v y="$n2" 'BEGIN { printf "   2N/N: cpu %.2fx, findings %.2fx (linear: 2.00x)\n", (a > 0 ? b / a : 0), (x > 0 ? y / x : 0) }'

