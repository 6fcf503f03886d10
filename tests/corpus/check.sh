#!/usr/bin/env bash
# Checks that every corpus file executes cleanly on a fresh, empty database of its dialect.
#
# Usage: tests/corpus/check.sh [postgres|mysql|sqlite]...   (all three when none is named)
#
# PostgreSQL: each file runs twice in its own scratch database, once statement by statement
# (`psql -f`, as a person would run it) and once as a single transaction (`psql -1`, which is
# what a driver sending the whole file as one multi-statement query gets). Roles are
# cluster-wide, so every role a file names must start with `cairn_corpus_<file>_`; they are
# dropped after each run.
# MariaDB: each file runs in a scratch database with the `mariadb` client; files must not use
# the client-only `DELIMITER` command, since drivers send the file to the server as it is.
# Users and roles a file names must start with `cairn_corpus_<file>_`; they are dropped after.
# SQLite: each file runs with Python's sqlite3 `executescript` on a new in-memory database, with
# foreign keys on, followed by `PRAGMA foreign_key_check` and `PRAGMA integrity_check`.
#
# Connection settings: PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres) and
# MYSQL_HOST/MYSQL_PORT/MYSQL_USER (default 127.0.0.1:3306, root, empty password).
set -u

here="$(cd "$(dirname "$0")" && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
my_host="${MYSQL_HOST:-127.0.0.1}"
my_port="${MYSQL_PORT:-3306}"
my_user="${MYSQL_USER:-root}"
failures=0

fail() {
    echo "FAIL $1" >&2
    failures=$((failures + 1))
}

# Prints "ok" for a file when no failure was recorded since `before`.
report() {
    if [ "$failures" -eq "$2" ]; then echo "ok   $1"; fi
}

# Structure every file must have, whatever its dialect: a leading `--` comment saying what it
# models, and a realistic size.
check_shape() {
    local f="$1" lines
    lines=$(wc -l <"$f")
    head -n 1 "$f" | grep -q '^-- ' || fail "$f: the first line must be a -- comment saying what it models"
    if [ "$lines" -lt 40 ] || [ "$lines" -gt 200 ]; then
        fail "$f: $lines lines (want 40-200)"
    fi
}

pg_drop_roles() {
    local role
    for role in "$@"; do
        if [ -n "$(psql -X -qAt -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" ]; then
            psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "DROP OWNED BY \"$role\" CASCADE" -c "DROP ROLE \"$role\"" \
                || fail "could not drop role $role"
        fi
    done
}

check_postgres() {
    local f base roles bad db mode n=0 before
    for f in "$here"/postgres/*.sql; do
        before=$failures
        check_shape "$f"
        base="$(basename "$f" .sql)"
        roles=$(grep -oE 'cairn_corpus_[A-Za-z0-9_]+' "$f" | sort -u)
        bad=$(printf '%s\n' $roles | grep -v "^cairn_corpus_${base}_" || true)
        [ -z "$bad" ] || fail "$f: role names without the prefix cairn_corpus_${base}_: $bad"
        bad=$(grep -oiE 'create schema( if not exists)? [a-z0-9_"]+' "$f" | awk '{print $NF}' | tr -d '"' |
            grep -v "^corpus_${base}_" || true)
        [ -z "$bad" ] || fail "$f: schema names without the prefix corpus_${base}_: $bad"
        for mode in statements transaction; do
            n=$((n + 1))
            db="cairn_corpus_check_${n}_$$"
            # A role left over by an interrupted run would make CREATE ROLE fail.
            pg_drop_roles $roles
            createdb "$db" || { fail "createdb $db"; continue; }
            if [ "$mode" = statements ]; then
                psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >/dev/null || fail "$f (psql -f)"
            else
                psql -X -q -1 -v ON_ERROR_STOP=1 -d "$db" -f "$f" >/dev/null || fail "$f (psql -1 -f)"
            fi
            dropdb "$db" || fail "dropdb $db"
            pg_drop_roles $roles
        done
        report "$f" "$before"
    done
}

my() {
    mariadb -h "$my_host" -P "$my_port" -u"$my_user" "$@"
}

check_mysql() {
    local f base names bad db n=0 name before
    for f in "$here"/mysql/*.sql; do
        before=$failures
        check_shape "$f"
        base="$(basename "$f" .sql)"
        if grep -qi '^[[:space:]]*delimiter' "$f"; then
            fail "$f: DELIMITER is a client command; drivers would send it to the server"
        fi
        names=$(grep -oE 'cairn_corpus_[A-Za-z0-9_]+' "$f" | sort -u)
        bad=$(printf '%s\n' $names | grep -v "^cairn_corpus_${base}_" || true)
        [ -z "$bad" ] || fail "$f: user or role names without the prefix cairn_corpus_${base}_: $bad"
        n=$((n + 1))
        db="cairn_corpus_check_${n}_$$"
        my -e "CREATE DATABASE \`$db\`" || { fail "create database $db"; continue; }
        my "$db" <"$f" || fail "$f"
        my -e "DROP DATABASE \`$db\`" || fail "drop database $db"
        # Users are user@host and roles have an empty host; drop whichever exist.
        for name in $names; do
            while read -r account; do
                my -e "DROP USER $account" 2>/dev/null || my -e "DROP ROLE $(echo "$account" | cut -d@ -f1)" ||
                    fail "could not drop $account"
            done < <(my -N -e "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user WHERE User = '$name'")
        done
        report "$f" "$before"
    done
}

check_sqlite() {
    local f before
    for f in "$here"/sqlite/*.sql; do
        before=$failures
        check_shape "$f"
        python3 - "$f" <<'EOF' || fail "$f"
import sqlite3, sys
path = sys.argv[1]
con = sqlite3.connect(":memory:")
con.execute("PRAGMA foreign_keys = ON")
con.executescript(open(path, encoding="utf-8").read())
problems = con.execute("PRAGMA foreign_key_check").fetchall()
if problems:
    sys.exit(f"{path}: foreign key violations: {problems}")
if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
    sys.exit(f"{path}: integrity check failed")
EOF
        report "$f" "$before"
    done
}

dialects=("$@")
[ ${#dialects[@]} -gt 0 ] || dialects=(postgres mysql sqlite)
for d in "${dialects[@]}"; do
    case "$d" in
        postgres) check_postgres ;;
        mysql) check_mysql ;;
        sqlite) check_sqlite ;;
        *) echo "unknown dialect $d" >&2; exit 2 ;;
    esac
done

if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all corpus files execute cleanly"
