//! Privileges and accounts. Grants on the objects of the schemas in scope are read in every
//! scope; users, roles, role membership and global (`*.*`) privileges only in server scope (a
//! URL without a database), since they belong to the server, not to one schema. Accounts are
//! named `user@host`; MariaDB roles, which have no host, by their name alone.

use std::collections::BTreeSet;

use cairn_core::EngineError;
use cairn_ir::{GrantObject, Permission, Privilege, QualifiedName, Realm, Role};

use sqlx::{Column, Row};

use super::objects::Context;
use super::{text, text_or_empty};

pub(crate) async fn read_privileges(
    ctx: &Context<'_>,
    bound_schema: Option<&str>,
    realm: &mut Realm,
) -> Result<(), EngineError> {
    let qualified = bound_schema.is_none();
    let table_name = |schema: String, table: String| {
        QualifiedName::new(qualified.then_some(schema.as_str()), &table)
    };
    let mut grants: Vec<(String, GrantObject, bool, Privilege)> = Vec::new();

    let rows = schema_privileges(ctx).await?;
    for (grantee, schema, privilege, is_grantable) in rows {
        // In schema scope, objects are named without their schema: the database the URL names
        // is the current one (`GRANT … ON *`).
        let object = if bound_schema == Some(schema.as_str()) {
            GrantObject::Database
        } else {
            GrantObject::Schema(schema)
        };
        grants.push((
            grantee,
            object,
            is_grantable,
            Privilege::from_sql(&privilege),
        ));
    }
    let (table_rows, column_rows) = table_privileges(ctx).await?;
    for (grantee, schema, table, privilege, is_grantable) in table_rows {
        if ctx.scope.excluded(&schema, &[&table], "table") {
            continue;
        }
        grants.push((
            grantee,
            GrantObject::Table(table_name(schema, table)),
            is_grantable,
            Privilege::from_sql(&privilege),
        ));
    }
    // Column grants of one privilege on one table form one permission over several columns.
    let mut column_grants: Vec<Permission> = Vec::new();
    for (grantee, schema, table, column, privilege, is_grantable) in column_rows {
        if ctx.scope.excluded(&schema, &[&table], "table") {
            continue;
        }
        let name = table_name(schema, table);
        let privilege = Privilege::from_sql(&privilege);
        match column_grants.iter_mut().find(|p| {
            p.grantee == grantee
                && p.grantable == is_grantable
                && p.privileges == [privilege.clone()]
                && matches!(&p.object, GrantObject::Columns(n, _) if *n == name)
        }) {
            Some(Permission {
                object: GrantObject::Columns(_, cols),
                ..
            }) => cols.push(column),
            _ => column_grants.push(Permission {
                grantee,
                privileges: vec![privilege],
                object: GrantObject::Columns(name, vec![column]),
                grantable: is_grantable,
            }),
        }
    }
    for p in &mut column_grants {
        if let GrantObject::Columns(_, cols) = &mut p.object {
            cols.sort_by_key(|c| c.to_lowercase());
        }
    }

    // Routine grants are kept in the privilege tables only (MariaDB has no
    // information_schema.ROUTINE_PRIVILEGES). Reading them needs access to `mysql`: an account
    // without it sees none.
    let routine_rows = ctx
        .catalog
        .fetch(
            "routine privileges",
            "SELECT User, Host, Db, Routine_name, Routine_type, Proc_priv FROM mysql.procs_priv \
             WHERE Db IN ({schemas}) ORDER BY User, Host, Db, Routine_name",
            ctx.names,
        )
        .await
        .unwrap_or_default();
    for row in &routine_rows {
        let (schema, routine) = (text_or_empty(row, 2), text_or_empty(row, 3));
        let procedure = text_or_empty(row, 4).eq_ignore_ascii_case("PROCEDURE");
        let kind = if procedure { "procedure" } else { "function" };
        if ctx.scope.excluded(&schema, &[&routine], kind) {
            continue;
        }
        let grantee = account(&text_or_empty(row, 0), &text_or_empty(row, 1));
        let privs = text_or_empty(row, 5);
        let is_grantable = privs
            .split(',')
            .any(|p| p.trim().eq_ignore_ascii_case("Grant"));
        for p in privs.split(',').map(str::trim) {
            if p.is_empty() || p.eq_ignore_ascii_case("Grant") {
                continue;
            }
            let name = table_name(schema.clone(), routine.clone());
            let object = if procedure {
                GrantObject::Procedure(name, Vec::new())
            } else {
                GrantObject::Function(name, Vec::new())
            };
            grants.push((
                grantee.clone(),
                object,
                is_grantable,
                Privilege::from_sql(&p.to_ascii_uppercase()),
            ));
        }
    }

    if qualified {
        read_accounts(ctx, realm, &mut grants, None).await?;
    } else {
        // Schema scope: the accounts that reach this schema's objects (holding a grant on them,
        // or a role that does) and the roles they hold. An account that may not read the
        // account tables sees none.
        let holders: BTreeSet<String> = grants
            .iter()
            .map(|g| g.0.clone())
            .chain(column_grants.iter().map(|p| p.grantee.clone()))
            .collect();
        let mut none = Vec::new();
        if !holders.is_empty() {
            let _ = read_accounts(ctx, realm, &mut none, Some(&holders)).await;
        }
    }

    // One permission per grantee, object and grant option, holding all its privileges.
    for (grantee, object, is_grantable, privilege) in grants {
        match realm
            .permissions
            .iter_mut()
            .find(|p| p.grantee == grantee && p.object == object && p.grantable == is_grantable)
        {
            Some(p) => {
                if !p.privileges.contains(&privilege) {
                    p.privileges.push(privilege);
                }
            }
            None => realm.permissions.push(Permission {
                grantee,
                privileges: vec![privilege],
                object,
                grantable: is_grantable,
            }),
        }
    }
    realm.permissions.extend(column_grants);
    Ok(())
}

/// Users and roles, their memberships and (in server scope, `only` unset) their global
/// privileges. With `only`, just those accounts, the roles they hold (transitively), and the
/// accounts granted one of those roles (not counting the admin option a role's creator gets).
async fn read_accounts(
    ctx: &Context<'_>,
    realm: &mut Realm,
    grants: &mut Vec<(String, GrantObject, bool, Privilege)>,
    only: Option<&BTreeSet<String>>,
) -> Result<(), EngineError> {
    let mariadb = ctx.catalog.dialect.is_mariadb();
    let users_sql = if mariadb {
        "SELECT User, Host, is_role, IF(authentication_string <> '' OR Password <> '', 'Y', 'N'), \
         max_user_connections FROM mysql.user ORDER BY User, Host"
    } else {
        "SELECT User, Host, 'N', IF(authentication_string <> '', 'Y', 'N'), max_user_connections \
         FROM mysql.user ORDER BY User, Host"
    };
    let rows = ctx.catalog.fetch("users and roles", users_sql, &[]).await?;
    let mut roles = Vec::new();
    for row in &rows {
        let is_role = text_or_empty(row, 2).eq_ignore_ascii_case("Y");
        let host = if is_role {
            String::new()
        } else {
            text_or_empty(row, 1)
        };
        let mut role = Role::new(&account(&text_or_empty(row, 0), &host));
        role.login = !is_role;
        role.password_set = text_or_empty(row, 3).eq_ignore_ascii_case("Y");
        role.conn_limit = text(row, 4)
            .and_then(|n| n.trim().parse::<i64>().ok())
            .filter(|n| *n > 0);
        roles.push(role);
    }
    let membership_sql = if mariadb {
        "SELECT User, Host, Role, Admin_option FROM mysql.roles_mapping ORDER BY User, Host, Role"
    } else {
        "SELECT TO_USER, TO_HOST, CONCAT(FROM_USER, '@', FROM_HOST), WITH_ADMIN_OPTION \
         FROM mysql.role_edges ORDER BY TO_USER, TO_HOST"
    };
    let rows = ctx
        .catalog
        .fetch("role memberships", membership_sql, &[])
        .await?;
    // (member, role, granted with the admin option)
    let mut edges: Vec<(String, String, bool)> = Vec::new();
    for row in &rows {
        let member = account(&text_or_empty(row, 0), &text_or_empty(row, 1));
        let Some(granted) = text(row, 2) else {
            continue;
        };
        let admin = text_or_empty(row, 3).eq_ignore_ascii_case("Y");
        edges.push((member, granted, admin));
    }
    for (member, granted, _) in &edges {
        if let Some(r) = roles.iter_mut().find(|r| &r.name == member) {
            r.member_of.push(granted.clone());
        }
    }
    if let Some(only) = only {
        let mut keep: BTreeSet<String> = only.clone();
        loop {
            let before = keep.len();
            for (member, granted, admin) in &edges {
                if keep.contains(member) {
                    keep.insert(granted.clone());
                }
                if !admin && keep.contains(granted) {
                    keep.insert(member.clone());
                }
            }
            if keep.len() == before {
                break;
            }
        }
        roles.retain(|r| keep.contains(&r.name));
        realm.roles.extend(roles);
        return Ok(());
    }
    realm.roles.extend(roles);
    let rows = ctx
        .catalog
        .fetch(
            "global privileges",
            "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES \
             ORDER BY GRANTEE, PRIVILEGE_TYPE",
            &[],
        )
        .await?;
    for row in &rows {
        let privilege = text_or_empty(row, 1);
        // USAGE is "no privilege": every account has it.
        if privilege.eq_ignore_ascii_case("USAGE") {
            continue;
        }
        grants.push((
            account_name(&text_or_empty(row, 0)),
            GrantObject::Global,
            grantable(&text_or_empty(row, 2)),
            Privilege::from_sql(&privilege),
        ));
    }
    Ok(())
}

/// (grantee, schema, privilege, grantable) of the database-level grants on the schemas in
/// scope. The privilege tables say what was granted to whom; information_schema (read when
/// they may not be) also lists, for a role, what it holds through the roles granted to it.
async fn schema_privileges(
    ctx: &Context<'_>,
) -> Result<Vec<(String, String, String, bool)>, EngineError> {
    let rows = ctx
        .catalog
        .fetch(
            "schema privileges",
            "SELECT * FROM mysql.db WHERE Db IN ({schemas}) ORDER BY User, Host, Db",
            ctx.names,
        )
        .await;
    let mut out = Vec::new();
    match rows {
        Ok(rows) => {
            for row in &rows {
                let get = |name: &str| {
                    row.columns()
                        .iter()
                        .position(|c| c.name().eq_ignore_ascii_case(name))
                        .and_then(|i| text(row, i))
                        .unwrap_or_default()
                };
                let grantee = account(&get("User"), &get("Host"));
                let schema = get("Db");
                let is_grantable = get("Grant_priv").eq_ignore_ascii_case("Y");
                for (i, c) in row.columns().iter().enumerate() {
                    let Some(column) = c.name().strip_suffix("_priv") else {
                        continue;
                    };
                    if column.eq_ignore_ascii_case("Grant")
                        || !text_or_empty(row, i).eq_ignore_ascii_case("Y")
                    {
                        continue;
                    }
                    out.push((
                        grantee.clone(),
                        schema.clone(),
                        privilege_name(column),
                        is_grantable,
                    ));
                }
            }
        }
        Err(_) => {
            let rows = ctx
                .catalog
                .fetch(
                    "schema privileges",
                    "SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE \
                     FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA IN ({schemas}) \
                     ORDER BY GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE",
                    ctx.names,
                )
                .await?;
            for row in &rows {
                out.push((
                    account_name(&text_or_empty(row, 0)),
                    text_or_empty(row, 1),
                    text_or_empty(row, 2),
                    grantable(&text_or_empty(row, 3)),
                ));
            }
        }
    }
    Ok(out)
}

type TableGrant = (String, String, String, String, bool);
type ColumnGrant = (String, String, String, String, String, bool);

/// The table grants (grantee, schema, table, privilege, grantable) and column grants
/// (grantee, schema, table, column, privilege, grantable) on the schemas in scope: from the
/// privilege tables, else from information_schema (see `schema_privileges`).
async fn table_privileges(
    ctx: &Context<'_>,
) -> Result<(Vec<TableGrant>, Vec<ColumnGrant>), EngineError> {
    let tables = ctx
        .catalog
        .fetch(
            "table privileges",
            "SELECT User, Host, Db, Table_name, Table_priv FROM mysql.tables_priv \
             WHERE Db IN ({schemas}) ORDER BY User, Host, Db, Table_name",
            ctx.names,
        )
        .await;
    let (mut t_out, mut c_out) = (Vec::new(), Vec::new());
    if let Ok(rows) = tables {
        // The grant option is held per table; column grants share it.
        let mut table_grantable: Vec<(String, String, String)> = Vec::new();
        for row in &rows {
            let grantee = account(&text_or_empty(row, 0), &text_or_empty(row, 1));
            let (schema, table) = (text_or_empty(row, 2), text_or_empty(row, 3));
            let privs = text_or_empty(row, 4);
            let is_grantable = privs
                .split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("Grant"));
            if is_grantable {
                table_grantable.push((grantee.clone(), schema.clone(), table.clone()));
            }
            for p in privs.split(',').map(str::trim) {
                if p.is_empty() || p.eq_ignore_ascii_case("Grant") {
                    continue;
                }
                t_out.push((
                    grantee.clone(),
                    schema.clone(),
                    table.clone(),
                    privilege_name(p),
                    is_grantable,
                ));
            }
        }
        let rows = ctx
            .catalog
            .fetch(
                "column privileges",
                "SELECT User, Host, Db, Table_name, Column_name, Column_priv FROM mysql.columns_priv \
                 WHERE Db IN ({schemas}) ORDER BY User, Host, Db, Table_name, Column_name",
                ctx.names,
            )
            .await?;
        for row in &rows {
            let grantee = account(&text_or_empty(row, 0), &text_or_empty(row, 1));
            let (schema, table) = (text_or_empty(row, 2), text_or_empty(row, 3));
            let column = text_or_empty(row, 4);
            let is_grantable = table_grantable
                .iter()
                .any(|(g, s, t)| *g == grantee && *s == schema && *t == table);
            for p in text_or_empty(row, 5).split(',').map(str::trim) {
                if p.is_empty() {
                    continue;
                }
                c_out.push((
                    grantee.clone(),
                    schema.clone(),
                    table.clone(),
                    column.clone(),
                    privilege_name(p),
                    is_grantable,
                ));
            }
        }
        return Ok((t_out, c_out));
    }
    let rows = ctx
        .catalog
        .fetch(
            "table privileges",
            "SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, IS_GRANTABLE \
             FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA IN ({schemas}) \
             ORDER BY GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE",
            ctx.names,
        )
        .await?;
    for row in &rows {
        t_out.push((
            account_name(&text_or_empty(row, 0)),
            text_or_empty(row, 1),
            text_or_empty(row, 2),
            text_or_empty(row, 3),
            grantable(&text_or_empty(row, 4)),
        ));
    }
    let rows = ctx
        .catalog
        .fetch(
            "column privileges",
            "SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, PRIVILEGE_TYPE, IS_GRANTABLE \
             FROM information_schema.COLUMN_PRIVILEGES WHERE TABLE_SCHEMA IN ({schemas}) \
             ORDER BY GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, COLUMN_NAME",
            ctx.names,
        )
        .await?;
    for row in &rows {
        c_out.push((
            account_name(&text_or_empty(row, 0)),
            text_or_empty(row, 1),
            text_or_empty(row, 2),
            text_or_empty(row, 3),
            text_or_empty(row, 4),
            grantable(&text_or_empty(row, 5)),
        ));
    }
    Ok((t_out, c_out))
}

/// A privilege as information_schema names it, from its name in the privilege tables
/// (`Create_tmp_table` of `mysql.db`, `Show view` of `tables_priv`).
fn privilege_name(p: &str) -> String {
    let name = p.replace('_', " ").to_ascii_uppercase();
    match name.as_str() {
        "CREATE TMP TABLE" => "CREATE TEMPORARY TABLES".to_string(),
        "DELETE VERSIONING ROWS" => "DELETE HISTORY".to_string(),
        _ => name,
    }
}

/// The name of the account `user` at `host`: `user@host`, or `user` for a role (no host).
fn account(user: &str, host: &str) -> String {
    if host.is_empty() {
        user.to_string()
    } else {
        format!("{user}@{host}")
    }
}

fn grantable(s: &str) -> bool {
    s.eq_ignore_ascii_case("YES")
}

/// `'user'@'host'` as the catalog prints a grantee: `user@host`, or `role` when it has no host.
pub(crate) fn account_name(grantee: &str) -> String {
    let unquote = |s: &str| {
        let s = s.trim();
        let s = s
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .unwrap_or(s);
        s.replace("''", "'")
    };
    match grantee.rfind("'@'").or_else(|| grantee.rfind("'@")) {
        Some(at) => {
            let user = unquote(&grantee[..=at]);
            let host = unquote(&grantee[at + 2..]);
            if host.is_empty() {
                user
            } else {
                format!("{user}@{host}")
            }
        }
        None => unquote(grantee),
    }
}

#[cfg(test)]
mod tests {
    use super::account_name;

    #[test]
    fn grantee_names() {
        assert_eq!(account_name("'app'@'%'"), "app@%");
        assert_eq!(account_name("'reader'@''"), "reader");
        assert_eq!(account_name("'o''brien'@'localhost'"), "o'brien@localhost");
    }
}
