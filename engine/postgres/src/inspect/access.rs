//! Roles, privileges and default privileges: inspected in database scope only, since roles are
//! cluster-wide and a schema-scoped URL does not own them.

use std::collections::BTreeMap;

use cairn_core::EngineError;
use cairn_ir::{
    DefaultPrivilege, DefaultPrivilegeKind, GrantObject, Permission, Privilege, QualifiedName, Role,
};

use super::{Build, Catalog, Ctx, get, queries};

pub(super) async fn roles(
    cat: &mut Catalog<'_>,
    _ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    let readable = cat
        .rows(queries::CAN_READ_AUTHID, &b.schema_names)
        .await?
        .first()
        .map(|r| get::<bool>(r, "readable"))
        .transpose()?
        .unwrap_or(false);
    let sql = if readable {
        queries::ROLES_WITH_PASSWORDS
    } else {
        queries::ROLES
    };
    for row in cat.rows(sql, &b.schema_names).await? {
        let conn_limit: i32 = get(&row, "conn_limit")?;
        b.realm.roles.push(Role {
            name: get(&row, "name")?,
            login: get(&row, "login")?,
            superuser: get(&row, "superuser")?,
            create_db: get(&row, "create_db")?,
            create_role: get(&row, "create_role")?,
            bypass_rls: get(&row, "bypass_rls")?,
            replication: get(&row, "replication")?,
            inherit: get(&row, "inherit")?,
            conn_limit: (conn_limit >= 0).then_some(conn_limit as i64),
            member_of: get(&row, "member_of")?,
            password_set: get::<Option<bool>>(&row, "password_set")?.unwrap_or(false),
            external: false,
            comment: get(&row, "comment")?,
        });
    }
    Ok(())
}

pub(super) async fn permissions(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    // Privileges are grouped per grantee, object and grant option; column privileges first per
    // privilege (`SELECT (a, b)`), then privileges with the same columns are merged.
    let mut grouped: BTreeMap<(String, String, bool), (GrantObject, Vec<Privilege>)> =
        BTreeMap::new();
    let mut columns: BTreeMap<(String, QualifiedName, bool, Privilege), Vec<String>> =
        BTreeMap::new();
    for row in cat.rows(queries::PERMISSIONS, &b.schema_names).await? {
        let kind: String = get(&row, "kind")?;
        let schema: Option<String> = get(&row, "schema")?;
        let name: Option<String> = get(&row, "name")?;
        let qn = || QualifiedName::new(schema.as_deref(), name.as_deref().unwrap_or_default());
        let grantee: String = get(&row, "grantee")?;
        let grantable: bool = get(&row, "grantable")?;
        let privilege = Privilege::from_sql(&get::<String>(&row, "privilege")?);
        let object = match kind.as_str() {
            "database" => GrantObject::Database,
            "schema" => GrantObject::Schema(schema.clone().unwrap_or_default()),
            "table" => {
                if !relation_in_realm(b, schema.as_deref(), name.as_deref()) {
                    continue;
                }
                GrantObject::Table(qn())
            }
            "column" => {
                if relation_in_realm(b, schema.as_deref(), name.as_deref()) {
                    let col: Option<String> = get(&row, "col")?;
                    columns
                        .entry((grantee, qn(), grantable, privilege))
                        .or_default()
                        .push(col.unwrap_or_default());
                }
                continue;
            }
            "sequence" => GrantObject::Sequence(qn()),
            "function" | "procedure" => {
                if ctx.scope.excludes(
                    schema.as_deref().unwrap_or_default(),
                    name.as_deref().unwrap_or_default(),
                    &kind,
                ) {
                    continue;
                }
                let args: Vec<String> =
                    get::<Option<Vec<String>>>(&row, "args")?.unwrap_or_default();
                if kind == "procedure" {
                    GrantObject::Procedure(qn(), args)
                } else {
                    GrantObject::Function(qn(), args)
                }
            }
            "type" => GrantObject::Type(qn()),
            _ => continue,
        };
        let key = (grantee, format!("{object:?}"), grantable);
        let entry = grouped.entry(key).or_insert_with(|| (object, Vec::new()));
        entry.1.push(privilege);
    }
    let mut out: Vec<Permission> = grouped
        .into_iter()
        .map(|((grantee, _, grantable), (object, mut privileges))| {
            privileges.sort();
            privileges.dedup();
            Permission {
                grantee,
                privileges,
                object,
                grantable,
            }
        })
        .collect();
    for ((grantee, table, grantable, privilege), cols) in columns {
        let object = GrantObject::Columns(table, cols);
        match out
            .iter_mut()
            .find(|p| p.grantee == grantee && p.grantable == grantable && p.object == object)
        {
            Some(p) => p.privileges.push(privilege),
            None => out.push(Permission {
                grantee,
                privileges: vec![privilege],
                object,
                grantable,
            }),
        }
    }
    b.realm.permissions = out;
    Ok(())
}

/// Whether a relation named by a grant is inspected (tables, views and materialized views that
/// are in scope and not excluded).
fn relation_in_realm(b: &Build, schema: Option<&str>, name: Option<&str>) -> bool {
    let (Some(schema), Some(name)) = (schema, name) else {
        return false;
    };
    b.realm.schema(schema).is_some_and(|s| {
        s.tables.iter().any(|t| t.name == name)
            || s.views.iter().any(|v| v.name == name)
            || s.materialized_views.iter().any(|v| v.name == name)
    })
}

/// Default privileges are grouped by role, schema, object kind, grantee and grant option.
type DefaultKey = (String, Option<String>, String, String, bool);

pub(super) async fn default_privileges(
    cat: &mut Catalog<'_>,
    _ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    let mut grouped: BTreeMap<DefaultKey, Vec<Privilege>> = BTreeMap::new();
    for row in cat
        .rows(queries::DEFAULT_PRIVILEGES, &b.schema_names)
        .await?
    {
        let key = (
            get::<String>(&row, "for_role")?,
            get::<Option<String>>(&row, "schema")?,
            get::<String>(&row, "kind")?,
            get::<String>(&row, "grantee")?,
            get::<bool>(&row, "grantable")?,
        );
        let privilege = Privilege::from_sql(&get::<String>(&row, "privilege")?);
        grouped.entry(key).or_default().push(privilege);
    }
    for ((for_role, schema, kind, grantee, grantable), mut privileges) in grouped {
        let object_kind = match kind.as_str() {
            "r" => DefaultPrivilegeKind::Tables,
            "S" => DefaultPrivilegeKind::Sequences,
            "f" => DefaultPrivilegeKind::Functions,
            "T" => DefaultPrivilegeKind::Types,
            "n" => DefaultPrivilegeKind::Schemas,
            _ => continue,
        };
        privileges.sort();
        privileges.dedup();
        b.realm.default_privileges.push(DefaultPrivilege {
            for_role: Some(for_role),
            schema,
            object_kind,
            grantee,
            privileges,
            grantable,
        });
    }
    Ok(())
}
