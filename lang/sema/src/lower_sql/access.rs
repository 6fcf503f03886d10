//! Roles, privileges, default privileges and row-level-security policies. Passwords never enter
//! the IR: only whether one was set.

use cairn_ir::{
    DefaultPrivilege, DefaultPrivilegeKind, GrantObject, ObjectPath, Permission, Policy,
    PolicyCommand, Privilege, QualifiedName, Role,
};
use cairn_syntax::sql::{self as syn};
use sqlparser::ast;

use super::{E_DUPLICATE, E_UNKNOWN_OBJECT, Replay};

impl Replay {
    /// A role name as stored: MySQL's `'user'@'host'` becomes `user@host`.
    pub(super) fn role_name(&self, raw: &str) -> String {
        let strip = |s: &str| {
            let s = s.trim();
            s.trim_matches(|c| c == '\'' || c == '"' || c == '`')
                .to_string()
        };
        match raw.split_once('@') {
            Some((u, h)) if self.dialect.is_mysql_family() => format!("{}@{}", strip(u), strip(h)),
            _ => {
                let t = raw.trim();
                if t.starts_with('"') {
                    strip(t)
                } else {
                    self.dialect.fold_unquoted(t)
                }
            }
        }
    }

    fn add_role(&mut self, role: Role, if_not_exists: bool, span: cairn_syntax::Span) {
        if self.realm.role(&role.name).is_some() {
            if !if_not_exists {
                self.error(
                    E_DUPLICATE,
                    span,
                    format!("role {} already exists", role.name),
                );
            }
            return;
        }
        self.created_roles.insert(role.name.clone());
        let name = role.name.clone();
        self.realm.roles.push(role);
        self.map(ObjectPath::Role(name), span);
    }

    pub(super) fn create_role(&mut self, r: &ast::CreateRole) {
        for n in &r.names {
            let name = self.qname(n).1;
            let mut role = Role::new(&name);
            role.login = r.login.unwrap_or(false);
            role.inherit = r.inherit.unwrap_or(true);
            role.bypass_rls = r.bypassrls.unwrap_or(false);
            role.superuser = r.superuser.unwrap_or(false);
            role.create_db = r.create_db.unwrap_or(false);
            role.create_role = r.create_role.unwrap_or(false);
            role.replication = r.replication.unwrap_or(false);
            role.password_set = matches!(r.password, Some(ast::Password::Password(_)));
            role.conn_limit = r
                .connection_limit
                .as_ref()
                .and_then(|e| e.to_string().parse().ok())
                .filter(|v| *v >= 0);
            for g in r.in_role.iter().chain(&r.in_group) {
                let g = self.ident(g);
                self.mention_role(&g);
                role.member_of.push(g);
            }
            let span = self.name_span(n);
            self.add_role(role, r.if_not_exists, span);
            // `ROLE a, b` and `ADMIN a` name members of the new role.
            for m in r.role.iter().chain(&r.admin).chain(&r.user) {
                let m = self.ident(m);
                self.add_membership(&m, &name);
            }
        }
    }

    /// MySQL's `CREATE USER`: accounts that log in (`user@host`).
    pub(super) fn create_mysql_users(
        &mut self,
        or_replace: bool,
        if_not_exists: bool,
        users: &[(syn::Ident, bool)],
        max_user_connections: Option<i64>,
    ) {
        for (account, password) in users {
            let name = self.xident(account);
            if or_replace {
                self.realm.roles.retain(|r| r.name != name);
            }
            let mut role = Role::new(&name);
            role.login = true;
            role.password_set = *password;
            role.conn_limit = max_user_connections.filter(|n| *n > 0);
            self.add_role(role, if_not_exists, account.span);
        }
    }

    pub(super) fn alter_role(&mut self, name: &ast::Ident, op: &ast::AlterRoleOperation) {
        let n = self.ident(name);
        let span = self.ident_span(name);
        let Some(i) = self.realm.roles.iter().position(|r| r.name == n) else {
            self.error(E_UNKNOWN_OBJECT, span, format!("role {n} does not exist"));
            return;
        };
        match op {
            ast::AlterRoleOperation::WithOptions { options } => {
                let role = &mut self.realm.roles[i];
                for o in options {
                    match o {
                        ast::RoleOption::BypassRLS(b) => role.bypass_rls = *b,
                        ast::RoleOption::CreateDB(b) => role.create_db = *b,
                        ast::RoleOption::CreateRole(b) => role.create_role = *b,
                        ast::RoleOption::Inherit(b) => role.inherit = *b,
                        ast::RoleOption::Login(b) => role.login = *b,
                        ast::RoleOption::Replication(b) => role.replication = *b,
                        ast::RoleOption::SuperUser(b) => role.superuser = *b,
                        ast::RoleOption::Password(p) => {
                            role.password_set = matches!(p, ast::Password::Password(_))
                        }
                        ast::RoleOption::ConnectionLimit(e) => {
                            role.conn_limit = e.to_string().parse().ok().filter(|v: &i64| *v >= 0)
                        }
                        ast::RoleOption::ValidUntil(_) => {}
                    }
                }
            }
            ast::AlterRoleOperation::RenameRole { role_name } => {
                self.realm.roles[i].name = self.ident(role_name);
            }
            _ => self.no_schema_change("a role session setting"),
        }
    }

    fn add_membership(&mut self, member: &str, of: &str) {
        self.mention_role(member);
        self.mention_role(of);
        if self.realm.role(member).is_none() {
            let mut r = Role::new(member);
            r.external = true;
            self.realm.roles.push(r);
        }
        if let Some(r) = self.realm.roles.iter_mut().find(|r| r.name == member)
            && !r.member_of.iter().any(|m| m == of)
        {
            r.member_of.push(of.to_string());
        }
    }

    pub(super) fn grant_roles(&mut self, roles: &[syn::Ident], grantees: &[syn::Ident]) {
        for g in grantees {
            let member = self.xident(g);
            for r in roles {
                let of = self.xident(r);
                self.add_membership(&member, &of);
            }
        }
    }

    pub(super) fn revoke_roles(&mut self, roles: &[syn::Ident], grantees: &[syn::Ident]) {
        let of: Vec<String> = roles.iter().map(|r| self.xident(r)).collect();
        for g in grantees {
            let member = self.xident(g);
            if let Some(r) = self.realm.roles.iter_mut().find(|r| r.name == member) {
                r.member_of.retain(|m| !of.contains(m));
            }
        }
    }

    /// The objects of a PostgreSQL grant, each with the privileges that apply to it.
    pub(super) fn grant_extra(&mut self, g: &syn::PrivilegeGrant, grant: bool) {
        use syn::GrantObjectKind as K;
        let mut objects: Vec<(GrantObject, Vec<Privilege>)> = Vec::new();
        let plain: Vec<Privilege> = g
            .privileges
            .iter()
            .filter(|p| p.columns.is_empty())
            .map(|p| Privilege::from_sql(&p.name))
            .collect();
        for o in &g.objects {
            let (schema, name) = self.xqname(&o.name);
            let q = QualifiedName::new(o.name.qualifier().map(|_| schema.as_str()), &name);
            let args: Vec<String> = o
                .args
                .as_deref()
                .map(|a| {
                    a.split(',')
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let obj = match g.object_kind {
                K::Table => GrantObject::Table(q.clone()),
                K::Sequence => GrantObject::Sequence(q),
                K::Function | K::Routine => GrantObject::Function(q, args),
                K::Procedure => GrantObject::Procedure(q, args),
                K::Schema
                | K::AllTablesInSchema
                | K::AllSequencesInSchema
                | K::AllFunctionsInSchema
                | K::AllProceduresInSchema
                | K::AllRoutinesInSchema => {
                    if g.object_kind != K::Schema {
                        let kind = format!("GRANT ON {:?}", g.object_kind);
                        self.unsupported(&kind, None, Some(name));
                        return;
                    }
                    GrantObject::Schema(self.xident(o.name.name()))
                }
                K::Database => GrantObject::Database,
                K::Type | K::Domain => GrantObject::Type(q),
                _ => {
                    let kind = format!("GRANT ON {:?}", g.object_kind);
                    self.unsupported(&kind, None, Some(name));
                    return;
                }
            };
            if !plain.is_empty() {
                objects.push((obj.clone(), plain.clone()));
            }
            for p in g.privileges.iter().filter(|p| !p.columns.is_empty()) {
                if let GrantObject::Table(t) = &obj {
                    let cols = p.columns.iter().map(|c| self.xident(c)).collect();
                    objects.push((
                        GrantObject::Columns(t.clone(), cols),
                        vec![Privilege::from_sql(&p.name)],
                    ));
                }
            }
        }
        let grantees: Vec<String> = g.grantees.iter().map(|i| self.grantee_name(i)).collect();
        for grantee in grantees {
            for (obj, privs) in &objects {
                if grant {
                    self.add_permission(&grantee, obj.clone(), privs.clone(), g.grant_option);
                } else {
                    self.revoke_permission(&grantee, obj, privs, g.grant_option);
                }
            }
        }
    }

    fn grantee_name(&mut self, i: &syn::Ident) -> String {
        let n = if !i.quoted && i.value.eq_ignore_ascii_case("PUBLIC") {
            "PUBLIC".to_string()
        } else {
            self.xident(i)
        };
        self.mention_role(&n);
        n
    }

    fn add_permission(
        &mut self,
        grantee: &str,
        object: GrantObject,
        privileges: Vec<Privilege>,
        grantable: bool,
    ) {
        if let Some(p) = self
            .realm
            .permissions
            .iter_mut()
            .find(|p| p.grantee == grantee && p.object == object && p.grantable == grantable)
        {
            for x in privileges {
                if !p.privileges.contains(&x) {
                    p.privileges.push(x);
                }
            }
            p.privileges.sort();
            return;
        }
        let mut privileges = privileges;
        privileges.sort();
        privileges.dedup();
        self.realm.permissions.push(Permission {
            grantee: grantee.to_string(),
            privileges,
            object,
            grantable,
        });
        let i = self.realm.permissions.len() - 1;
        let span = self.stmt_span;
        self.map(ObjectPath::Permission(i), span);
    }

    fn revoke_permission(
        &mut self,
        grantee: &str,
        object: &GrantObject,
        privileges: &[Privilege],
        grant_option_only: bool,
    ) {
        let revoke_all = privileges.contains(&Privilege::All);
        let all = object.all_privileges(self.dialect);
        // Privileges whose grant option goes, kept without it.
        let mut demoted: Vec<Privilege> = Vec::new();
        for p in self
            .realm
            .permissions
            .iter_mut()
            .filter(|p| p.grantee == grantee && &p.object == object)
        {
            // Revoking some privileges of an `ALL` grant leaves the others `ALL` stands for.
            if !revoke_all
                && p.privileges.contains(&Privilege::All)
                && let Some(all) = &all
            {
                p.privileges.retain(|x| *x != Privilege::All);
                for x in all {
                    if !p.privileges.contains(x) {
                        p.privileges.push(x.clone());
                    }
                }
                p.privileges.sort();
            }
            let hit: Vec<Privilege> = p
                .privileges
                .iter()
                .filter(|x| revoke_all || privileges.contains(x))
                .cloned()
                .collect();
            if grant_option_only && !p.grantable {
                continue;
            }
            p.privileges.retain(|x| !hit.contains(x));
            if grant_option_only {
                demoted.extend(hit);
            }
        }
        self.realm.permissions.retain(|p| !p.privileges.is_empty());
        if !demoted.is_empty() {
            self.add_permission(grantee, object.clone(), demoted, false);
        }
    }

    /// MySQL's `GRANT ... ON db.t TO 'u'@'h'` (sqlparser's shape).
    pub(super) fn grant_ast(&mut self, g: &ast::Grant) {
        let Some(objects) = self.ast_grant_parts(&g.privileges, g.objects.as_ref()) else {
            return;
        };
        for grantee in &g.grantees {
            let Some(name) = self.ast_grantee(grantee) else {
                continue;
            };
            for (o, privs) in &objects {
                self.add_permission(&name, o.clone(), privs.clone(), g.with_grant_option);
            }
        }
    }

    pub(super) fn revoke_ast(&mut self, r: &ast::Revoke) {
        let Some(objects) = self.ast_grant_parts(&r.privileges, r.objects.as_ref()) else {
            return;
        };
        for grantee in &r.grantees {
            let Some(name) = self.ast_grantee(grantee) else {
                continue;
            };
            for (o, privs) in &objects {
                self.revoke_permission(&name, o, privs, r.grant_option_for);
            }
        }
    }

    fn ast_grantee(&mut self, g: &ast::Grantee) -> Option<String> {
        let n = match &g.name {
            Some(ast::GranteeName::ObjectName(n)) => self.role_name(&n.to_string()),
            Some(ast::GranteeName::UserHost { user, host }) => {
                format!("{}@{}", user.value, host.value)
            }
            None => "PUBLIC".to_string(),
        };
        self.mention_role(&n);
        Some(n)
    }

    /// The objects of a MySQL grant, each with its privileges: `*.*` is global, `*` the current
    /// database, `db.*` a database; a privilege with a column list (`SELECT (a, b)`) is a
    /// grant on those columns of each table.
    fn ast_grant_parts(
        &mut self,
        privileges: &ast::Privileges,
        objects: Option<&ast::GrantObjects>,
    ) -> Option<Vec<(GrantObject, Vec<Privilege>)>> {
        let mut plain: Vec<Privilege> = Vec::new();
        let mut on_columns: Vec<(Privilege, Vec<String>)> = Vec::new();
        match privileges {
            ast::Privileges::All { .. } => plain.push(Privilege::All),
            ast::Privileges::Actions(a) => {
                for x in a {
                    let s = x.to_string();
                    let word = s.split('(').next().unwrap_or(&s).trim().to_string();
                    let columns = match x {
                        ast::Action::Select { columns }
                        | ast::Action::Insert { columns }
                        | ast::Action::Update { columns }
                        | ast::Action::References { columns } => columns.as_ref(),
                        _ => None,
                    };
                    match columns {
                        Some(cols) if !cols.is_empty() => {
                            let mut cols: Vec<String> =
                                cols.iter().map(|c| self.ident(c)).collect();
                            // The catalog lists a grant's columns by name.
                            cols.sort_by_key(|c| c.to_lowercase());
                            on_columns.push((Privilege::from_sql(&word), cols));
                        }
                        _ => plain.push(Privilege::from_sql(&word)),
                    }
                }
            }
        }
        let objs: Vec<GrantObject> = match objects {
            Some(ast::GrantObjects::Tables(ts)) => ts
                .iter()
                .map(|t| {
                    let text = t.to_string();
                    if text == "*.*" {
                        return GrantObject::Global;
                    }
                    if text == "*" {
                        return GrantObject::Database;
                    }
                    let (s, n) = self.qname(t);
                    if n == "*" {
                        GrantObject::Schema(s)
                    } else {
                        GrantObject::Table(QualifiedName::new(
                            (t.0.len() > 1).then_some(s.as_str()),
                            &n,
                        ))
                    }
                })
                .collect(),
            Some(ast::GrantObjects::Schemas(ss)) => ss
                .iter()
                .map(|s| GrantObject::Schema(self.qname(s).1))
                .collect(),
            Some(ast::GrantObjects::Sequences(ss)) => ss
                .iter()
                .map(|s| {
                    let (sc, n) = self.qname(s);
                    GrantObject::Sequence(QualifiedName::new(
                        (s.0.len() > 1).then_some(sc.as_str()),
                        &n,
                    ))
                })
                .collect(),
            Some(ast::GrantObjects::Function { name, .. }) => {
                let (sc, n) = self.qname(name);
                let q = QualifiedName::new((name.0.len() > 1).then_some(sc.as_str()), &n);
                vec![GrantObject::Function(q, Vec::new())]
            }
            Some(ast::GrantObjects::Procedure { name, .. }) => {
                let (sc, n) = self.qname(name);
                let q = QualifiedName::new((name.0.len() > 1).then_some(sc.as_str()), &n);
                vec![GrantObject::Procedure(q, Vec::new())]
            }
            _ => {
                self.unsupported("GRANT", None, None);
                return None;
            }
        };
        let mut out = Vec::new();
        for o in objs {
            if !plain.is_empty() {
                out.push((o.clone(), plain.clone()));
            }
            if let GrantObject::Table(t) = &o {
                for (p, cols) in &on_columns {
                    out.push((
                        GrantObject::Columns(t.clone(), cols.clone()),
                        vec![p.clone()],
                    ));
                }
            }
        }
        Some(out)
    }

    pub(super) fn alter_default_privileges(&mut self, e: &syn::ExtraStatement) {
        let syn::ExtraStatement::AlterDefaultPrivileges {
            for_roles,
            in_schemas,
            grant,
            privileges,
            object_kind,
            grantees,
            grant_option,
            ..
        } = e
        else {
            return;
        };
        let kind = match object_kind {
            syn::DefaultObjectKind::Tables => DefaultPrivilegeKind::Tables,
            syn::DefaultObjectKind::Sequences => DefaultPrivilegeKind::Sequences,
            syn::DefaultObjectKind::Functions | syn::DefaultObjectKind::Routines => {
                DefaultPrivilegeKind::Functions
            }
            syn::DefaultObjectKind::Types => DefaultPrivilegeKind::Types,
            syn::DefaultObjectKind::Schemas => DefaultPrivilegeKind::Schemas,
        };
        let privs: Vec<Privilege> = privileges
            .iter()
            .map(|p| Privilege::from_sql(&p.name))
            .collect();
        let fors: Vec<Option<String>> = if for_roles.is_empty() {
            vec![None]
        } else {
            for_roles.iter().map(|r| Some(self.xident(r))).collect()
        };
        let schemas: Vec<Option<String>> = if in_schemas.is_empty() {
            vec![None]
        } else {
            in_schemas.iter().map(|s| Some(self.xident(s))).collect()
        };
        let grantee_names: Vec<String> = grantees.iter().map(|g| self.grantee_name(g)).collect();
        for f in fors.iter().flatten() {
            self.mention_role(f);
        }
        for f in &fors {
            for s in &schemas {
                for g in &grantee_names {
                    let existing = self.realm.default_privileges.iter_mut().find(|d| {
                        d.for_role == *f
                            && d.schema == *s
                            && d.object_kind == kind
                            && d.grantee == *g
                    });
                    match (existing, grant) {
                        (Some(d), true) => {
                            for p in &privs {
                                if !d.privileges.contains(p) {
                                    d.privileges.push(p.clone());
                                }
                            }
                            d.privileges.sort();
                            d.grantable |= grant_option;
                        }
                        (Some(d), false) => d
                            .privileges
                            .retain(|p| !privs.contains(p) && !privs.contains(&Privilege::All)),
                        (None, true) => {
                            let mut privileges = privs.clone();
                            privileges.sort();
                            self.realm.default_privileges.push(DefaultPrivilege {
                                for_role: f.clone(),
                                schema: s.clone(),
                                object_kind: kind,
                                grantee: g.clone(),
                                privileges,
                                grantable: *grant_option,
                            });
                        }
                        (None, false) => {}
                    }
                }
            }
        }
        self.realm
            .default_privileges
            .retain(|d| !d.privileges.is_empty());
    }

    fn policy_roles(&mut self, to: Option<&Vec<ast::Owner>>) -> Vec<String> {
        let Some(to) = to else {
            return vec!["public".to_string()];
        };
        to.iter()
            .map(|o| match o {
                ast::Owner::Ident(i) => {
                    let n = self.ident(i);
                    self.mention_role(&n);
                    n
                }
                other => other.to_string().to_ascii_lowercase(),
            })
            .collect()
    }

    pub(super) fn create_policy(&mut self, p: &ast::CreatePolicy) {
        let Some((schema, idx, mut table)) = self.table_for_alter(&p.table_name, false) else {
            return;
        };
        let name = self.ident(&p.name);
        if table.policies.iter().any(|x| x.name == name) {
            let span = self.ident_span(&p.name);
            self.error(
                E_DUPLICATE,
                span,
                format!("policy {name} already exists on table {}", table.name),
            );
            self.put_table(&schema, idx, table);
            return;
        }
        let roles = self.policy_roles(p.to.as_ref());
        table.policies.push(Policy {
            name: name.clone(),
            permissive: !matches!(p.policy_type, Some(ast::CreatePolicyType::Restrictive)),
            command: match p.command {
                Some(ast::CreatePolicyCommand::Select) => PolicyCommand::Select,
                Some(ast::CreatePolicyCommand::Insert) => PolicyCommand::Insert,
                Some(ast::CreatePolicyCommand::Update) => PolicyCommand::Update,
                Some(ast::CreatePolicyCommand::Delete) => PolicyCommand::Delete,
                _ => PolicyCommand::All,
            },
            roles,
            using: p.using.as_ref().map(|e| cairn_ir::Expr::new(e.to_string())),
            check: p
                .with_check
                .as_ref()
                .map(|e| cairn_ir::Expr::new(e.to_string())),
        });
        let span = self.stmt_span;
        self.map(
            ObjectPath::Policy(schema.clone(), table.name.clone(), name),
            span,
        );
        self.put_table(&schema, idx, table);
    }

    pub(super) fn alter_policy(&mut self, p: &ast::AlterPolicy) {
        let Some((schema, idx, mut table)) = self.table_for_alter(&p.table_name, false) else {
            return;
        };
        let name = self.ident(&p.name);
        let Some(i) = table.policies.iter().position(|x| x.name == name) else {
            let span = self.ident_span(&p.name);
            self.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("policy {name} does not exist on table {}", table.name),
            );
            self.put_table(&schema, idx, table);
            return;
        };
        match &p.operation {
            ast::AlterPolicyOperation::Rename { new_name } => {
                table.policies[i].name = self.ident(new_name)
            }
            ast::AlterPolicyOperation::Apply {
                to,
                using,
                with_check,
            } => {
                if to.is_some() {
                    table.policies[i].roles = self.policy_roles(to.as_ref());
                }
                if let Some(u) = using {
                    table.policies[i].using = Some(cairn_ir::Expr::new(u.to_string()));
                }
                if let Some(c) = with_check {
                    table.policies[i].check = Some(cairn_ir::Expr::new(c.to_string()));
                }
            }
        }
        self.put_table(&schema, idx, table);
    }

    pub(super) fn drop_policy(&mut self, p: &ast::DropPolicy) {
        let Some((schema, idx, mut table)) = self.table_for_alter(&p.table_name, p.if_exists)
        else {
            return;
        };
        let name = self.ident(&p.name);
        let before = table.policies.len();
        table.policies.retain(|x| x.name != name);
        if before == table.policies.len() && !p.if_exists {
            let span = self.ident_span(&p.name);
            self.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("policy {name} does not exist on table {}", table.name),
            );
        }
        self.put_table(&schema, idx, table);
    }
}
