use super::*;
use crate::compile;

fn realm(sql: &str) -> Realm {
    compile(&[("s.sql".to_string(), sql.to_string())], Dialect::Postgres).realm
}

const TABLES: &str = "
    CREATE SCHEMA other;
    CREATE TABLE users (id int, email text, name text);
    CREATE TABLE orders (id int, user_id int, email text);
    CREATE TABLE other.users (id int, email text);
";

fn rels(u: &Uses) -> Vec<String> {
    u.relations
        .iter()
        .map(|(s, t)| format!("{s}.{t}"))
        .collect()
}

fn cols(u: &Uses) -> Vec<String> {
    u.columns
        .iter()
        .map(|(s, t, c)| format!("{s}.{t}.{c}"))
        .collect()
}

fn query(sql: &str) -> Uses {
    let r = realm(TABLES);
    uses(&Scope::new(&r, "public", None), Source::Query(sql))
}

#[test]
fn views_resolve_schemas_aliases_and_columns() {
    let u = query("SELECT u.id, email FROM users u JOIN orders o ON o.user_id = u.id");
    assert_eq!(rels(&u), ["public.orders", "public.users"]);
    // `email` is in both tables: ambiguous, so both.
    assert_eq!(
        cols(&u),
        [
            "public.orders.email",
            "public.orders.user_id",
            "public.users.email",
            "public.users.id"
        ]
    );
    let u = query("SELECT id FROM other.users WHERE email <> 'users'");
    assert_eq!(rels(&u), ["other.users"]);
    assert_eq!(cols(&u), ["other.users.email", "other.users.id"]);
    let u = query("SELECT name FROM users -- orders.email\n");
    assert_eq!(rels(&u), ["public.users"]);
    assert_eq!(cols(&u), ["public.users.name"]);
}

#[test]
fn ctes_subqueries_and_unknown_columns() {
    let u = query(
        "WITH recent AS (SELECT user_id FROM orders) SELECT r.user_id, x.n \
         FROM recent r, (SELECT count(*) AS n FROM users WHERE name = 'a') x \
         WHERE r.user_id IN (SELECT id FROM users WHERE email IS NOT NULL) ORDER BY n",
    );
    assert_eq!(rels(&u), ["public.orders", "public.users"]);
    assert_eq!(
        cols(&u),
        [
            "public.orders.user_id",
            "public.users.email",
            "public.users.id",
            "public.users.name"
        ]
    );
    // A column the state does not have goes to the relations of its `FROM`.
    let u = query("SELECT phone FROM users u JOIN gone g ON g.id = u.id");
    assert_eq!(
        cols(&u),
        [
            "public.gone.id",
            "public.gone.phone",
            "public.users.id",
            "public.users.phone"
        ]
    );
}

#[test]
fn policies_and_sql_routines() {
    let r = realm(TABLES);
    let s = Scope::new(&r, "public", None);
    let t = ("public".to_string(), "orders".to_string());
    let u = uses(
        &s,
        Source::Expr(
            "user_id IN (SELECT id FROM users WHERE email = current_user)",
            &t,
        ),
    );
    assert_eq!(rels(&u), ["public.orders", "public.users"]);
    assert_eq!(
        cols(&u),
        [
            "public.orders.user_id",
            "public.users.email",
            "public.users.id"
        ]
    );
    let args = ["who".to_string()];
    let u = uses(
        &s,
        Source::Routine {
            body: "UPDATE users SET email = who WHERE id = 1; INSERT INTO orders (user_id) VALUES (1)",
            language: "sql",
            args: &args,
        },
    );
    assert_eq!(rels(&u), ["public.orders", "public.users"]);
    assert_eq!(
        cols(&u),
        [
            "public.orders.user_id",
            "public.users.email",
            "public.users.id"
        ]
    );
    // `SET search_path` of the routine.
    let u = uses(
        &Scope::new(&r, "public", Some("other, public")),
        Source::Routine {
            body: "SELECT email FROM users",
            language: "sql",
            args: &[],
        },
    );
    assert_eq!(cols(&u), ["other.users.email"]);
}

#[test]
fn plpgsql_bodies() {
    let r = realm(TABLES);
    let s = Scope::new(&r, "public", None);
    let body = "
        DECLARE n int; rec users%ROWTYPE;
        BEGIN
          -- SELECT phone FROM orders
          SELECT count(*) INTO n FROM other.users x WHERE x.email = 'orders';
          UPDATE users SET name = upper(name) WHERE id = n;
          RAISE NOTICE 'orders.email %', $q$ orders $q$;
          RETURN n;
        END";
    let u = uses(
        &s,
        Source::Routine {
            body,
            language: "plpgsql",
            args: &[],
        },
    );
    assert_eq!(rels(&u), ["other.users", "public.users"]);
    assert_eq!(
        cols(&u),
        [
            "other.users.email",
            "other.users.id",
            "public.users.id",
            "public.users.name"
        ]
    );
}

#[test]
fn plpgsql_insert_with_columns() {
    let r = realm(TABLES);
    let s = Scope::new(&r, "public", None);
    let u = uses(
        &s,
        Source::Routine {
            body: "BEGIN INSERT INTO public.users (id, email) VALUES (n, 'x'); END",
            language: "plpgsql",
            args: &["n".to_string()],
        },
    );
    assert_eq!(rels(&u), ["public.users"]);
    assert_eq!(cols(&u), ["public.users.email", "public.users.id"]);
}
