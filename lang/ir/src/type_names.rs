//! Type names, both ways: `ColumnType::parse` reads a type as a DDL statement or a catalog spells
//! it (resolving aliases, so `int`, `int4` and `integer` are one type), and `ColumnType::sql`
//! prints the canonical spelling (PostgreSQL's `format_type`, MySQL's `COLUMN_TYPE`, SQLite's
//! declared type).

use crate::{ColumnType, Dialect, MyType, PgType, QualifiedName, SqliteType};

impl ColumnType {
    /// Parses a type name in `dialect`. Never fails: what it cannot read is
    /// `ColumnType::Unsupported { raw }` (or, in PostgreSQL, a user-defined `PgType::Named` /
    /// extension `PgType::Other`).
    pub fn parse(dialect: Dialect, text: &str) -> ColumnType {
        let norm = normalize(text);
        match dialect {
            Dialect::Postgres => ColumnType::Postgres(parse_pg(&norm, text.trim())),
            Dialect::Mysql(_) => match parse_my(&norm, text.trim()) {
                Some(t) => ColumnType::Mysql(t),
                None => ColumnType::Unsupported {
                    raw: text.trim().to_string(),
                },
            },
            Dialect::Sqlite => ColumnType::Sqlite(SqliteType::new(text)),
        }
    }

    /// The canonical SQL spelling of the type, usable in DDL.
    pub fn sql(&self) -> String {
        match self {
            ColumnType::Postgres(t) => pg_sql(t),
            ColumnType::Mysql(t) => my_sql(t),
            ColumnType::Sqlite(t) => t.decl.clone(),
            ColumnType::Unsupported { raw } => raw.clone(),
        }
    }
}

/// Lower-cases everything outside quotes and collapses white space, so `CHARACTER  VARYING (10)`
/// reads as `character varying(10)`.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    for c in text.trim().chars() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            if !(c == '('
                || c == ')'
                || c == ','
                || c == '['
                || out.ends_with('(')
                || out.ends_with(','))
            {
                out.push(' ');
            }
            pending_space = false;
        }
        if c == '\'' || c == '"' || c == '`' {
            quote = Some(c);
            out.push(c);
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Splits `name(args) rest` into the name, the arguments (comma separated, trimmed) and the rest.
fn split_args(s: &str) -> (&str, Vec<String>, &str) {
    let Some(open) = s.find('(') else {
        return (s.trim(), Vec::new(), "");
    };
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut args = Vec::new();
    let mut start = open + 1;
    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < open) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    let a = s[start..i].trim();
                    if !a.is_empty() {
                        args.push(a.to_string());
                    }
                    return (s[..open].trim(), args, s[i + 1..].trim());
                }
            }
            ',' if depth == 1 => {
                args.push(s[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    (s.trim(), Vec::new(), "")
}

fn num(args: &[String], i: usize) -> Option<u32> {
    args.get(i).and_then(|a| a.trim().parse().ok())
}

fn parse_pg(norm: &str, raw: &str) -> PgType {
    let norm = norm.strip_prefix("pg_catalog.").unwrap_or(norm);
    // Arrays: `int[]`, `int[3][]`, `int array`, `_int4` (the catalog's element-array name).
    if let Some(base) = norm.strip_suffix(" array") {
        return PgType::Array(Box::new(parse_pg(base, base)));
    }
    if norm.ends_with(']')
        && let Some(i) = norm.find('[')
    {
        let base = &norm[..i];
        return PgType::Array(Box::new(parse_pg(base, base)));
    }
    // The catalog's name for an array of a built-in type: `_int4`.
    if let Some(elem) = norm.strip_prefix('_')
        && !elem.is_empty()
        && !elem.contains('(')
        && let elem_ty @ (PgType::Integer
        | PgType::BigInt
        | PgType::SmallInt
        | PgType::Text
        | PgType::Varchar(_)
        | PgType::Boolean
        | PgType::Uuid
        | PgType::Numeric { .. }
        | PgType::Jsonb
        | PgType::Json
        | PgType::Real
        | PgType::DoublePrecision
        | PgType::Date
        | PgType::Timestamp { .. }
        | PgType::Bytea
        | PgType::Char(_)) = parse_pg(elem, elem)
    {
        return PgType::Array(Box::new(elem_ty));
    }
    let (name, args, rest) = split_args(norm);
    // Time zones may follow the arguments: `timestamp(3) with time zone`.
    let full = if rest.is_empty() {
        name.to_string()
    } else {
        format!("{name} {rest}")
    };
    let with_tz = full.ends_with(" with time zone");
    let base = full
        .trim_end_matches(" with time zone")
        .trim_end_matches(" without time zone");
    let p = num(&args, 0);
    match base {
        "smallint" | "int2" => PgType::SmallInt,
        "integer" | "int" | "int4" => PgType::Integer,
        "bigint" | "int8" => PgType::BigInt,
        "smallserial" | "serial2" => PgType::SmallSerial,
        "serial" | "serial4" => PgType::Serial,
        "bigserial" | "serial8" => PgType::BigSerial,
        "numeric" | "decimal" => PgType::Numeric {
            precision: p,
            scale: p.map(|_| num(&args, 1).unwrap_or(0)),
        },
        "real" | "float4" => PgType::Real,
        "double precision" | "float8" => PgType::DoublePrecision,
        "float" => match p {
            Some(p) if p <= 24 => PgType::Real,
            _ => PgType::DoublePrecision,
        },
        "money" => PgType::Money,
        "text" => PgType::Text,
        "varchar" | "character varying" => PgType::Varchar(p),
        "char" | "character" => PgType::Char(Some(p.unwrap_or(1))),
        "bpchar" => PgType::Char(p),
        "bytea" => PgType::Bytea,
        "boolean" | "bool" => PgType::Boolean,
        "date" => PgType::Date,
        "time" => PgType::Time {
            precision: p,
            with_tz,
        },
        "timetz" => PgType::Time {
            precision: p,
            with_tz: true,
        },
        "timestamp" => PgType::Timestamp {
            precision: p,
            with_tz,
        },
        "timestamptz" => PgType::Timestamp {
            precision: p,
            with_tz: true,
        },
        "json" => PgType::Json,
        "jsonb" => PgType::Jsonb,
        "uuid" => PgType::Uuid,
        "xml" => PgType::Xml,
        "inet" => PgType::Inet,
        "cidr" => PgType::Cidr,
        "macaddr" => PgType::Macaddr,
        "macaddr8" => PgType::Macaddr8,
        "bit" => PgType::Bit {
            varying: false,
            len: Some(p.unwrap_or(1)),
        },
        "bit varying" | "varbit" => PgType::Bit {
            varying: true,
            len: p,
        },
        "tsvector" => PgType::TsVector,
        "tsquery" => PgType::TsQuery,
        "point" | "line" | "lseg" | "box" | "path" | "polygon" | "circle" => {
            PgType::Geometric(base.to_string())
        }
        "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange"
        | "int4multirange" | "int8multirange" | "nummultirange" | "tsmultirange"
        | "tstzmultirange" | "datemultirange" => PgType::Range(base.to_string()),
        _ if base.starts_with("interval") => {
            let fields = base.trim_start_matches("interval").trim();
            PgType::Interval {
                fields: (!fields.is_empty()).then(|| fields.to_string()),
                precision: p,
            }
        }
        _ => {
            // A user-defined type (`status`, `app.status`, `"Mood"`) or an extension type.
            if args.is_empty()
                && rest.is_empty()
                && let Some(q) = parse_qualified(raw.trim())
            {
                return PgType::Named(q);
            }
            PgType::Other(raw.trim().to_string())
        }
    }
}

/// Reads `name`, `schema.name`, `"Name"` or `"s"."Name"`; unquoted parts are lower-cased.
fn parse_qualified(raw: &str) -> Option<QualifiedName> {
    let mut parts = Vec::new();
    let mut rest = raw;
    loop {
        let (part, after) = if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"')?;
            (r[..end].to_string(), &r[end + 1..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let p = &rest[..end];
            if p.is_empty()
                || !p
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                return None;
            }
            (p.to_lowercase(), &rest[end..])
        };
        parts.push(part);
        match after.strip_prefix('.') {
            Some(r) => rest = r,
            None if after.is_empty() => break,
            None => return None,
        }
    }
    match parts.as_slice() {
        [n] => Some(QualifiedName::new(None, n)),
        [s, n] => Some(QualifiedName::new(Some(s), n)),
        _ => None,
    }
}

fn parse_my(norm: &str, raw: &str) -> Option<MyType> {
    let (name, args, rest) = split_args(norm);
    // `int unsigned zerofill`, `int(10) unsigned`: modifiers may follow the name or the args.
    let (name, mods) = match name.split_once(' ') {
        Some((n, m)) if args.is_empty() => (n, format!("{m} {rest}")),
        _ => (name, rest.to_string()),
    };
    let unsigned = mods.split_whitespace().any(|m| m == "unsigned");
    let p = num(&args, 0);
    Some(match name {
        "bool" | "boolean" => MyType::Bool,
        "tinyint" if p == Some(1) && !unsigned => MyType::Bool,
        "tinyint" | "int1" => MyType::TinyInt { unsigned },
        "smallint" | "int2" => MyType::SmallInt { unsigned },
        "mediumint" | "int3" | "middleint" => MyType::MediumInt { unsigned },
        "int" | "integer" | "int4" => MyType::Int { unsigned },
        "bigint" | "int8" => MyType::BigInt { unsigned },
        "decimal" | "numeric" | "dec" | "fixed" => MyType::Decimal {
            precision: Some(p.unwrap_or(10)),
            scale: Some(num(&args, 1).unwrap_or(0)),
            unsigned,
        },
        "float" | "float4" => MyType::Float {
            precision: if args.len() == 1 { p } else { None },
            unsigned,
        },
        "double" | "real" | "float8" => MyType::Double { unsigned },
        "bit" => MyType::Bit(Some(p.unwrap_or(1))),
        "char" | "character" => MyType::Char(Some(p.unwrap_or(1))),
        "varchar" | "character varying" => MyType::Varchar(p?),
        "tinytext" => MyType::TinyText,
        "text" => MyType::Text,
        "mediumtext" | "long varchar" | "long" => MyType::MediumText,
        "longtext" => MyType::LongText,
        "binary" => MyType::Binary(Some(p.unwrap_or(1))),
        "varbinary" => MyType::Varbinary(p?),
        "tinyblob" => MyType::TinyBlob,
        "blob" => MyType::Blob,
        "mediumblob" | "long varbinary" => MyType::MediumBlob,
        "longblob" => MyType::LongBlob,
        "date" => MyType::Date,
        "datetime" => MyType::Datetime(p.filter(|p| *p > 0)),
        "timestamp" => MyType::Timestamp(p.filter(|p| *p > 0)),
        "time" => MyType::Time(p.filter(|p| *p > 0)),
        "year" => MyType::Year,
        "json" => MyType::Json,
        "enum" => MyType::Enum(enum_values(raw)),
        "set" => MyType::Set(enum_values(raw)),
        "geometry" | "point" | "linestring" | "polygon" | "multipoint" | "multilinestring"
        | "multipolygon" | "geometrycollection" | "geomcollection" => {
            MyType::Spatial(name.replace("geomcollection", "geometrycollection"))
        }
        "uuid" => MyType::Uuid,
        "inet4" => MyType::Inet4,
        "inet6" => MyType::Inet6,
        _ => return None,
    })
}

/// Reads the quoted values of `enum('a','b''c')` from the raw text (values keep their case).
fn enum_values(raw: &str) -> Vec<String> {
    let Some(open) = raw.find('(') else {
        return Vec::new();
    };
    let mut values = Vec::new();
    let mut chars = raw[open + 1..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let q = c;
            let mut v = String::new();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        v.push(n);
                    }
                } else if c == q {
                    if chars.peek() == Some(&q) {
                        chars.next();
                        v.push(q);
                    } else {
                        break;
                    }
                } else {
                    v.push(c);
                }
            }
            values.push(v);
        } else if c == ')' {
            break;
        }
    }
    values
}

fn pg_sql(t: &PgType) -> String {
    use PgType::*;
    let prec = |p: &Option<u32>| p.map(|p| format!("({p})")).unwrap_or_default();
    let tz = |b: bool| {
        if b {
            " with time zone"
        } else {
            " without time zone"
        }
    };
    match t {
        SmallInt => "smallint".into(),
        Integer => "integer".into(),
        BigInt => "bigint".into(),
        SmallSerial => "smallserial".into(),
        Serial => "serial".into(),
        BigSerial => "bigserial".into(),
        Numeric {
            precision: Some(p),
            scale,
        } => format!("numeric({p},{})", scale.unwrap_or(0)),
        Numeric { .. } => "numeric".into(),
        Real => "real".into(),
        DoublePrecision => "double precision".into(),
        Money => "money".into(),
        Text => "text".into(),
        Varchar(n) => format!("character varying{}", prec(n)),
        Char(n) => match n {
            Some(n) => format!("character({n})"),
            None => "bpchar".into(),
        },
        Bytea => "bytea".into(),
        Boolean => "boolean".into(),
        Date => "date".into(),
        Time { precision, with_tz } => format!("time{}{}", prec(precision), tz(*with_tz)),
        Timestamp { precision, with_tz } => {
            format!("timestamp{}{}", prec(precision), tz(*with_tz))
        }
        Interval { fields, precision } => {
            let mut s = "interval".to_string();
            if let Some(f) = fields {
                s.push(' ');
                s.push_str(f);
            }
            s.push_str(&prec(precision));
            s
        }
        Json => "json".into(),
        Jsonb => "jsonb".into(),
        Uuid => "uuid".into(),
        Xml => "xml".into(),
        Inet => "inet".into(),
        Cidr => "cidr".into(),
        Macaddr => "macaddr".into(),
        Macaddr8 => "macaddr8".into(),
        Bit { varying, len } => {
            format!("bit{}{}", if *varying { " varying" } else { "" }, prec(len))
        }
        TsVector => "tsvector".into(),
        TsQuery => "tsquery".into(),
        Geometric(n) | Range(n) => n.clone(),
        Array(elem) => format!("{}[]", pg_sql(elem)),
        Named(q) => {
            let quote = |s: &str| {
                if s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && !s.starts_with(|c: char| c.is_ascii_digit())
                {
                    s.to_string()
                } else {
                    Dialect::Postgres.quote_ident(s)
                }
            };
            match &q.schema {
                Some(s) => format!("{}.{}", quote(s), quote(&q.name)),
                None => quote(&q.name),
            }
        }
        Other(raw) => raw.clone(),
    }
}

fn my_sql(t: &MyType) -> String {
    use MyType::*;
    let u = |b: bool| if b { " unsigned" } else { "" };
    let quote_values = |vs: &[String]| {
        vs.iter()
            .map(|v| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(",")
    };
    let prec = |p: &Option<u32>| p.map(|p| format!("({p})")).unwrap_or_default();
    match t {
        Bool => "tinyint(1)".into(),
        TinyInt { unsigned } => format!("tinyint{}", u(*unsigned)),
        SmallInt { unsigned } => format!("smallint{}", u(*unsigned)),
        MediumInt { unsigned } => format!("mediumint{}", u(*unsigned)),
        Int { unsigned } => format!("int{}", u(*unsigned)),
        BigInt { unsigned } => format!("bigint{}", u(*unsigned)),
        Decimal {
            precision,
            scale,
            unsigned,
        } => format!(
            "decimal({},{}){}",
            precision.unwrap_or(10),
            scale.unwrap_or(0),
            u(*unsigned)
        ),
        Float {
            precision,
            unsigned,
        } => format!("float{}{}", prec(precision), u(*unsigned)),
        Double { unsigned } => format!("double{}", u(*unsigned)),
        Bit(n) => format!("bit({})", n.unwrap_or(1)),
        Char(n) => format!("char({})", n.unwrap_or(1)),
        Varchar(n) => format!("varchar({n})"),
        TinyText => "tinytext".into(),
        Text => "text".into(),
        MediumText => "mediumtext".into(),
        LongText => "longtext".into(),
        Binary(n) => format!("binary({})", n.unwrap_or(1)),
        Varbinary(n) => format!("varbinary({n})"),
        TinyBlob => "tinyblob".into(),
        Blob => "blob".into(),
        MediumBlob => "mediumblob".into(),
        LongBlob => "longblob".into(),
        Date => "date".into(),
        Datetime(p) => format!("datetime{}", prec(p)),
        Timestamp(p) => format!("timestamp{}", prec(p)),
        Time(p) => format!("time{}", prec(p)),
        Year => "year".into(),
        Json => "json".into(),
        Enum(vs) => format!("enum({})", quote_values(vs)),
        Set(vs) => format!("set({})", quote_values(vs)),
        Spatial(n) => n.clone(),
        Uuid => "uuid".into(),
        Inet4 => "inet4".into(),
        Inet6 => "inet6".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(s: &str) -> PgType {
        match ColumnType::parse(Dialect::Postgres, s) {
            ColumnType::Postgres(t) => t,
            other => panic!("{other:?}"),
        }
    }

    fn my(s: &str) -> MyType {
        match ColumnType::parse(Dialect::MYSQL, s) {
            ColumnType::Mysql(t) => t,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn postgres_aliases_meet() {
        assert_eq!(pg("int"), pg("INTEGER"));
        assert_eq!(pg("int4"), PgType::Integer);
        assert_eq!(pg("varchar(255)"), pg("character varying(255)"));
        assert_eq!(pg("CHARACTER  VARYING (10)"), PgType::Varchar(Some(10)));
        assert_eq!(pg("timestamptz"), pg("timestamp with time zone"));
        assert_eq!(
            pg("timestamp(3) without time zone"),
            PgType::Timestamp {
                precision: Some(3),
                with_tz: false
            }
        );
        assert_eq!(pg("decimal(10,2)"), pg("numeric(10, 2)"));
        assert_eq!(pg("float8"), PgType::DoublePrecision);
        assert_eq!(pg("int[]"), PgType::Array(Box::new(PgType::Integer)));
        assert_eq!(pg("_int4"), PgType::Array(Box::new(PgType::Integer)));
        assert_eq!(pg("text[][]"), PgType::Array(Box::new(PgType::Text)));
        assert_eq!(pg("char"), PgType::Char(Some(1)));
        assert_eq!(
            pg("app.Mood"),
            PgType::Named(QualifiedName::new(Some("app"), "mood"))
        );
        assert_eq!(
            pg("\"Mood\""),
            PgType::Named(QualifiedName::new(None, "Mood"))
        );
        assert_eq!(pg("vector(3)"), PgType::Other("vector(3)".into()));
        assert_eq!(
            pg("interval day to second(3)"),
            PgType::Interval {
                fields: Some("day to second".into()),
                precision: Some(3)
            }
        );
    }

    #[test]
    fn postgres_prints_format_type() {
        for s in [
            "integer",
            "character varying(64)",
            "numeric(12,2)",
            "timestamp with time zone",
            "timestamp(6) without time zone",
            "time with time zone",
            "double precision",
            "text[]",
            "bit varying(5)",
            "character(1)",
        ] {
            assert_eq!(ColumnType::parse(Dialect::Postgres, s).sql(), s);
        }
    }

    #[test]
    fn mysql_types() {
        assert_eq!(my("tinyint(1)"), MyType::Bool);
        assert_eq!(my("BOOLEAN"), MyType::Bool);
        assert_eq!(my("int(11)"), MyType::Int { unsigned: false });
        assert_eq!(my("int(10) unsigned"), MyType::Int { unsigned: true });
        assert_eq!(my("INT UNSIGNED"), MyType::Int { unsigned: true });
        assert_eq!(
            my("bigint unsigned zerofill"),
            MyType::BigInt { unsigned: true }
        );
        assert_eq!(
            my("decimal"),
            MyType::Decimal {
                precision: Some(10),
                scale: Some(0),
                unsigned: false
            }
        );
        assert_eq!(
            my("enum('a','it''s','B')"),
            MyType::Enum(vec!["a".into(), "it's".into(), "B".into()])
        );
        assert_eq!(my("datetime(0)"), MyType::Datetime(None));
        assert_eq!(my("varchar(255)").sql_roundtrip(), "varchar(255)");
        assert_eq!(my("set('x','y')").sql_roundtrip(), "set('x','y')");
        assert!(ColumnType::parse(Dialect::MYSQL, "varchar").is_unsupported());
    }

    trait Roundtrip {
        fn sql_roundtrip(self) -> String;
    }
    impl Roundtrip for MyType {
        fn sql_roundtrip(self) -> String {
            let s = ColumnType::Mysql(self).sql();
            assert_eq!(ColumnType::parse(Dialect::MYSQL, &s).sql(), s);
            s
        }
    }

    #[test]
    fn sqlite_keeps_declared_types() {
        assert_eq!(
            ColumnType::parse(Dialect::Sqlite, "VARCHAR(10)").sql(),
            "varchar(10)"
        );
    }
}
