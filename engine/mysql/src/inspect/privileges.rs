//! Privileges and accounts. Grants on the objects of the schemas in scope are read in every
//! scope; users, roles, role membership and global (`*.*`) privileges only in server scope (a
//! URL without a database), since they belong to the server, not to one schema. Accounts are
//! named `user@host`; MariaDB roles, which have no host, by their name alone.

use cairn_core::EngineError;
use cairn_ir::{GrantObject, Permission, Privilege, QualifiedName, Realm, Role};

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
        grants.push((
            account_name(&text_or_empty(row, 0)),
            GrantObject::Schema(text_or_empty(row, 1)),
            grantable(&text_or_empty(row, 3)),
            Privilege::from_sql(&text_or_empty(row, 2)),
        ));
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
        let (schema, table) = (text_or_empty(row, 1), text_or_empty(row, 2));
        if ctx.scope.excluded(&schema, &[&table], "table") {
            continue;
        }
        grants.push((
            account_name(&text_or_empty(row, 0)),
            GrantObject::Table(table_name(schema, table)),
            grantable(&text_or_empty(row, 4)),
            Privilege::from_sql(&text_or_empty(row, 3)),
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
    // Column grants of one privilege on one table form one permission over several columns.
    let mut column_grants: Vec<Permission> = Vec::new();
    for row in &rows {
        let (schema, table) = (text_or_empty(row, 1), text_or_empty(row, 2));
        if ctx.scope.excluded(&schema, &[&table], "table") {
            continue;
        }
        let grantee = account_name(&text_or_empty(row, 0));
        let name = table_name(schema, table);
        let privilege = Privilege::from_sql(&text_or_empty(row, 4));
        let is_grantable = grantable(&text_or_empty(row, 5));
        let column = text_or_empty(row, 3);
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

    if qualified {
        read_accounts(ctx, realm, &mut grants).await?;
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

/// Users and roles, their memberships and their global privileges.
async fn read_accounts(
    ctx: &Context<'_>,
    realm: &mut Realm,
    grants: &mut Vec<(String, GrantObject, bool, Privilege)>,
) -> Result<(), EngineError> {
    let mariadb = ctx.catalog.dialect.is_mariadb();
    let users_sql = if mariadb {
        "SELECT User, Host, is_role, IF(authentication_string <> '' OR Password <> '', 'Y', 'N') \
         FROM mysql.user ORDER BY User, Host"
    } else {
        "SELECT User, Host, 'N', IF(authentication_string <> '', 'Y', 'N') \
         FROM mysql.user ORDER BY User, Host"
    };
    let rows = ctx.catalog.fetch("users and roles", users_sql, &[]).await?;
    for row in &rows {
        let user = text_or_empty(row, 0);
        let host = text_or_empty(row, 1);
        let is_role = text_or_empty(row, 2).eq_ignore_ascii_case("Y");
        let name = if is_role || host.is_empty() {
            user
        } else {
            format!("{user}@{host}")
        };
        let mut role = Role::new(&name);
        role.login = !is_role;
        role.password_set = text_or_empty(row, 3).eq_ignore_ascii_case("Y");
        realm.roles.push(role);
    }
    let membership_sql = if mariadb {
        "SELECT User, Host, Role FROM mysql.roles_mapping ORDER BY User, Host, Role"
    } else {
        "SELECT TO_USER, TO_HOST, CONCAT(FROM_USER, '@', FROM_HOST) FROM mysql.role_edges \
         ORDER BY TO_USER, TO_HOST"
    };
    let rows = ctx
        .catalog
        .fetch("role memberships", membership_sql, &[])
        .await?;
    for row in &rows {
        let user = text_or_empty(row, 0);
        let host = text_or_empty(row, 1);
        let member = if host.is_empty() {
            user
        } else {
            format!("{user}@{host}")
        };
        let Some(granted) = text(row, 2) else {
            continue;
        };
        if let Some(r) = realm.roles.iter_mut().find(|r| r.name == member) {
            r.member_of.push(granted);
        }
    }
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
