//! MySQL and MariaDB stored routines: `CREATE [OR REPLACE] [DEFINER = user] {FUNCTION |
//! PROCEDURE} [IF NOT EXISTS] name (params) [RETURNS type] [characteristic …] body`.

use super::super::lex::Tok;
use super::{ExtraStatement, MysqlRoutine, Parser, R, routine_args};

/// The routine at the start of `text`, or `None` when `text` is no stored routine with a
/// parameter list (a loadable function's `RETURNS … SONAME`, an aggregate, another statement).
pub(crate) fn mysql_routine(text: &str, base: usize) -> Option<R<ExtraStatement>> {
    let mut p = Parser::new(text, base);
    if !p.eat_kw("CREATE") {
        return None;
    }
    let or_replace = p.eat_kws(&["OR", "REPLACE"]);
    if p.eat_kw("DEFINER") {
        // `DEFINER = user@host` (or `CURRENT_USER[()]`): skip to the object keyword.
        while !p.at_end() && !p.peek_kw("FUNCTION") && !p.peek_kw("PROCEDURE") {
            if p.peek_kw("VIEW") || p.peek_kw("TRIGGER") || p.peek_kw("EVENT") {
                return None;
            }
            p.i += 1;
        }
    }
    let procedure = if p.eat_kw("PROCEDURE") {
        true
    } else if p.eat_kw("FUNCTION") {
        false
    } else {
        return None;
    };
    let if_not_exists = p.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = match p.object_name() {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    if !p.peek_punct("(") {
        return None;
    }
    Some(routine_rest(
        &mut p,
        procedure,
        or_replace,
        if_not_exists,
        name,
    ))
}

fn routine_rest(
    p: &mut Parser,
    procedure: bool,
    or_replace: bool,
    if_not_exists: bool,
    name: super::ObjectName,
) -> R<ExtraStatement> {
    let args_at = p.peek().map_or(0, |t| t.end);
    let args = routine_args(&p.parens_raw()?, p.base + args_at)?;
    let returns = if p.eat_kw("RETURNS") {
        let first = p.i;
        let ty = p.raw_until(|p| p.i > first && ends_type(p));
        if ty.trim().is_empty() {
            return p.fail("a return type");
        }
        Some(ty.trim().to_string())
    } else {
        None
    };
    let mut r = MysqlRoutine {
        procedure,
        or_replace,
        if_not_exists,
        name,
        args,
        returns,
        language: None,
        deterministic: false,
        data_access: None,
        security_invoker: false,
        comment: None,
        body: String::new(),
    };
    loop {
        if p.eat_kw("LANGUAGE") {
            r.language = Some(p.ident()?.value.to_ascii_uppercase());
        } else if p.eat_kws(&["NOT", "DETERMINISTIC"]) {
            r.deterministic = false;
        } else if p.eat_kw("DETERMINISTIC") {
            r.deterministic = true;
        } else if p.eat_kws(&["CONTAINS", "SQL"]) {
            r.data_access = Some("CONTAINS SQL".into());
        } else if p.eat_kws(&["NO", "SQL"]) {
            r.data_access = Some("NO SQL".into());
        } else if p.eat_kws(&["READS", "SQL", "DATA"]) {
            r.data_access = Some("READS SQL DATA".into());
        } else if p.eat_kws(&["MODIFIES", "SQL", "DATA"]) {
            r.data_access = Some("MODIFIES SQL DATA".into());
        } else if p.eat_kws(&["SQL", "SECURITY"]) {
            if p.eat_kw("INVOKER") {
                r.security_invoker = true;
            } else {
                p.expect_kw("DEFINER")?;
                r.security_invoker = false;
            }
        } else if p.eat_kw("COMMENT") {
            r.comment = Some(p.string()?);
        } else {
            break;
        }
    }
    let Some(start) = p.peek() else {
        return p.fail("the routine's body");
    };
    let end = p.toks.last().map_or(start.end, |t| t.end);
    r.body = p.text[start.start..end].trim().to_string();
    Ok(ExtraStatement::MysqlRoutine(r))
}

/// MySQL accounts and role grants sqlparser does not read: `CREATE USER 'u'@'h' …` and
/// `GRANT role [, …] TO account [, …] [WITH ADMIN OPTION]` (`REVOKE role … FROM …` likewise).
/// `None` for other statements (a privilege grant has `ON`).
pub(crate) fn mysql_access(text: &str, base: usize) -> Option<R<ExtraStatement>> {
    let mut p = Parser::new(text, base);
    if p.eat_kw("CREATE") {
        let or_replace = p.eat_kws(&["OR", "REPLACE"]);
        if !p.eat_kw("USER") {
            return None;
        }
        return Some(create_user(&mut p, or_replace));
    }
    let grant = if p.eat_kw("GRANT") {
        true
    } else if p.eat_kw("REVOKE") {
        false
    } else {
        return None;
    };
    // A role grant names no object: no `ON` before `TO` / `FROM`.
    let to = if grant { "TO" } else { "FROM" };
    let mut j = p.i;
    while j < p.toks.len() {
        let t = p.toks[j];
        let word = p.tok_text(t);
        if t.kind == Tok::Word && word.eq_ignore_ascii_case("ON") {
            return None;
        }
        if t.kind == Tok::Word && word.eq_ignore_ascii_case(to) {
            break;
        }
        j += 1;
    }
    if j == p.i || j == p.toks.len() {
        return None;
    }
    Some(role_grant(&mut p, grant, to))
}

fn role_grant(p: &mut Parser, grant: bool, to: &str) -> R<ExtraStatement> {
    let admin_option_for = !grant && p.eat_kws(&["ADMIN", "OPTION", "FOR"]);
    let mut roles = vec![account(p)?];
    while p.eat_punct(",") {
        roles.push(account(p)?);
    }
    p.expect_kw(to)?;
    let mut grantees = vec![account(p)?];
    while p.eat_punct(",") {
        grantees.push(account(p)?);
    }
    let admin_option = grant && p.eat_kws(&["WITH", "ADMIN", "OPTION"]);
    p.expect_end()?;
    Ok(if grant {
        ExtraStatement::GrantRole {
            roles,
            grantees,
            admin_option,
            granted_by: None,
        }
    } else {
        ExtraStatement::RevokeRole {
            roles,
            grantees,
            admin_option_for,
            cascade: false,
        }
    })
}

fn create_user(p: &mut Parser, or_replace: bool) -> R<ExtraStatement> {
    let if_not_exists = p.eat_kws(&["IF", "NOT", "EXISTS"]);
    let mut users = Vec::new();
    loop {
        let name = account(p)?;
        let mut password = false;
        if p.eat_kw("IDENTIFIED") {
            // `BY 'pw'`, `BY PASSWORD 'hash'`, `{VIA | WITH} plugin [{USING | AS | BY} …]`: an
            // authentication string that is not empty sets a password.
            while let Some(t) = p.peek() {
                if p.peek_punct(",")
                    || ["REQUIRE", "WITH", "PASSWORD", "ACCOUNT"]
                        .iter()
                        .any(|k| p.peek_kw(k) && !p.peek_kw_at(1, "(") && !after_by(p))
                {
                    break;
                }
                let text = p.tok_text(t);
                if t.kind == Tok::Str && text.len() > 2 {
                    password = true;
                }
                p.i += 1;
            }
        }
        users.push((name, password));
        if !p.eat_punct(",") {
            break;
        }
    }
    let mut max_user_connections = None;
    while !p.at_end() {
        if p.eat_kw("MAX_USER_CONNECTIONS") {
            max_user_connections = Some(p.int()?);
        } else {
            p.i += 1;
        }
    }
    Ok(ExtraStatement::MysqlCreateUser {
        or_replace,
        if_not_exists,
        users,
        max_user_connections,
    })
}

/// Whether the token before the cursor is `BY` (`IDENTIFIED BY PASSWORD 'hash'`).
fn after_by(p: &Parser) -> bool {
    p.i > 0 && p.tok_text(p.toks[p.i - 1]).eq_ignore_ascii_case("BY")
}

/// An account or role: `'user'@'host'`, `user@host`, `` `role` ``, `role`. A user with a host is
/// one quoted name `user@host`; a bare role keeps its quoting.
fn account(p: &mut Parser) -> R<super::Ident> {
    let Some(t) = p.peek() else {
        return p.fail("an account");
    };
    let start = t.start;
    let (user, quoted) = match t.kind {
        Tok::Str => {
            p.i += 1;
            (super::string_value(p.tok_text(t)), true)
        }
        Tok::Word | Tok::QuotedIdent => {
            let i = p.ident()?;
            (i.value, i.quoted)
        }
        _ => return p.fail("an account"),
    };
    let mut end = t.end;
    let mut value = user;
    let mut quoted = quoted;
    if p.eat_punct("@") {
        let Some(h) = p.peek() else {
            return p.fail("a host");
        };
        let host = match h.kind {
            Tok::Str => {
                p.i += 1;
                super::string_value(p.tok_text(h))
            }
            Tok::Word | Tok::QuotedIdent | Tok::Number => {
                p.ident().map(|i| i.value).or_else(|_| {
                    p.i += 1;
                    Ok(p.tok_text(h).to_string())
                })?
            }
            _ => {
                // `%` and other host patterns.
                p.i += 1;
                p.tok_text(h).to_string()
            }
        };
        end = h.end;
        value = format!("{value}@{host}");
        quoted = true;
    }
    Ok(super::Ident {
        value,
        quoted,
        span: crate::diag::Span::new(p.base + start, p.base + end),
    })
}

/// Whether the token at the cursor ends a `RETURNS` type: a characteristic or the body.
fn ends_type(p: &Parser) -> bool {
    const STOP: &[&str] = &[
        "LANGUAGE",
        "NOT",
        "DETERMINISTIC",
        "CONTAINS",
        "NO",
        "READS",
        "MODIFIES",
        "SQL",
        "COMMENT",
        "RETURN",
        "BEGIN",
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "REPLACE",
        "IF",
        "CASE",
        "CALL",
        "DECLARE",
        "WHILE",
        "LOOP",
        "REPEAT",
        "WITH",
        "DO",
    ];
    if STOP.iter().any(|k| p.peek_kw(k)) {
        return true;
    }
    // `SET x = …` starts a body; `CHARACTER SET cs` and `set('a', …)` belong to the type.
    if p.peek_kw("SET") {
        let after_character = p.i > 0
            && p.toks[p.i - 1].kind == Tok::Word
            && p.tok_text(p.toks[p.i - 1])
                .eq_ignore_ascii_case("CHARACTER");
        let call = p
            .toks
            .get(p.i + 1)
            .is_some_and(|t| t.kind == Tok::Punct && p.tok_text(*t) == "(");
        return !after_character && !call;
    }
    // A label (`name: BEGIN … END`).
    p.toks
        .get(p.i + 1)
        .is_some_and(|t| t.kind == Tok::Punct && p.tok_text(*t) == ":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> MysqlRoutine {
        match mysql_routine(text, 0) {
            Some(Ok(ExtraStatement::MysqlRoutine(r))) => r,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn functions_and_procedures() {
        let f = parse(
            "CREATE FUNCTION is_locked(p_account int unsigned) RETURNS tinyint(1)\n    READS SQL DATA\nRETURN EXISTS (SELECT 1 FROM accounts WHERE id = p_account);",
        );
        assert!(!f.procedure);
        assert_eq!(f.returns.as_deref(), Some("tinyint(1)"));
        assert_eq!(f.args[0].data_type, "int unsigned");
        assert_eq!(f.data_access.as_deref(), Some("READS SQL DATA"));
        assert_eq!(
            f.body,
            "RETURN EXISTS (SELECT 1 FROM accounts WHERE id = p_account)"
        );
        let p = parse(
            "CREATE DEFINER=`root`@`%` PROCEDURE purge() MODIFIES SQL DATA SQL SECURITY INVOKER COMMENT 'hourly' DELETE FROM s WHERE x < now()",
        );
        assert!(p.procedure && p.security_invoker);
        assert_eq!(p.comment.as_deref(), Some("hourly"));
        assert_eq!(p.body, "DELETE FROM s WHERE x < now()");
        let p = parse("CREATE PROCEDURE c(OUT n int) BEGIN SELECT COUNT(*) INTO n FROM t; END;");
        assert_eq!(p.args[0].mode.as_deref(), Some("OUT"));
        assert_eq!(p.body, "BEGIN SELECT COUNT(*) INTO n FROM t; END");
        let f = parse(
            "CREATE FUNCTION f(x int) RETURNS varchar(10) CHARACTER SET utf8mb4 DETERMINISTIC RETURN 'a'",
        );
        assert_eq!(
            f.returns.as_deref(),
            Some("varchar(10) CHARACTER SET utf8mb4")
        );
        assert!(f.deterministic);
        assert!(mysql_routine("CREATE FUNCTION f RETURNS STRING SONAME 'f.so'", 0).is_none());
        assert!(mysql_routine("CREATE TABLE t (a int)", 0).is_none());
    }

    #[test]
    fn accounts_and_role_grants() {
        let Some(Ok(ExtraStatement::MysqlCreateUser {
            users,
            if_not_exists,
            max_user_connections,
            ..
        })) = mysql_access(
            "CREATE USER IF NOT EXISTS 'api'@'%' IDENTIFIED BY 'x', bob@localhost WITH MAX_USER_CONNECTIONS 50",
            0,
        )
        else {
            panic!("CREATE USER")
        };
        assert!(if_not_exists);
        assert_eq!(max_user_connections, Some(50));
        assert_eq!(users[0].0.value, "api@%");
        assert!(users[0].1);
        assert_eq!(users[1].0.value, "bob@localhost");
        assert!(!users[1].1);
        let Some(Ok(ExtraStatement::GrantRole {
            roles, grantees, ..
        })) = mysql_access("GRANT reader, `w` TO 'api'@'%', other", 0)
        else {
            panic!("GRANT role")
        };
        assert_eq!(roles[1].value, "w");
        assert_eq!(grantees[0].value, "api@%");
        assert_eq!(grantees[1].value, "other");
        assert!(mysql_access("GRANT SELECT ON t TO r", 0).is_none());
        assert!(matches!(
            mysql_access("REVOKE r FROM 'u'@'%'", 0),
            Some(Ok(ExtraStatement::RevokeRole { .. }))
        ));
    }
}
