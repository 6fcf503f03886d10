//! Column types, typed per dialect. Aliases (`int`, `int4`, `integer`) are resolved by the
//! front ends into one variant, so equal types compare equal.

use crate::QualifiedName;

/// A column (or domain, or argument) type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    Postgres(PgType),
    Mysql(MyType),
    Sqlite(SqliteType),
    /// A type the front end or inspector could not represent; kept verbatim so nothing is lost.
    Unsupported {
        raw: String,
    },
}

/// The category rules reason about (`c.type.category` in the rules language).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeCategory {
    Integer,
    Numeric,
    Text,
    Binary,
    Boolean,
    Datetime,
    Json,
    Uuid,
    Enum,
    Array,
    Spatial,
    Network,
    Other,
}

impl TypeCategory {
    pub fn name(self) -> &'static str {
        match self {
            TypeCategory::Integer => "integer",
            TypeCategory::Numeric => "numeric",
            TypeCategory::Text => "text",
            TypeCategory::Binary => "binary",
            TypeCategory::Boolean => "boolean",
            TypeCategory::Datetime => "datetime",
            TypeCategory::Json => "json",
            TypeCategory::Uuid => "uuid",
            TypeCategory::Enum => "enum",
            TypeCategory::Array => "array",
            TypeCategory::Spatial => "spatial",
            TypeCategory::Network => "network",
            TypeCategory::Other => "other",
        }
    }
}

/// PostgreSQL types. Names follow `format_type()`; serial types are kept as such (the front ends
/// and the inspector agree on the pattern: integer + owned sequence + nextval default).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PgType {
    SmallInt,
    Integer,
    BigInt,
    SmallSerial,
    Serial,
    BigSerial,
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Real,
    DoublePrecision,
    Money,
    Text,
    Varchar(Option<u32>),
    Char(Option<u32>),
    Bytea,
    Boolean,
    Date,
    Time {
        precision: Option<u32>,
        with_tz: bool,
    },
    Timestamp {
        precision: Option<u32>,
        with_tz: bool,
    },
    Interval {
        fields: Option<String>,
        precision: Option<u32>,
    },
    Json,
    Jsonb,
    Uuid,
    Xml,
    Inet,
    Cidr,
    Macaddr,
    Macaddr8,
    Bit {
        varying: bool,
        len: Option<u32>,
    },
    TsVector,
    TsQuery,
    /// Geometric types: point, line, lseg, box, path, polygon, circle.
    Geometric(String),
    /// Built-in range and multirange types: int4range, tstzmultirange, ...
    Range(String),
    /// `elem[]`, with the number of dimensions as written (PostgreSQL ignores it, so it is
    /// normalised to 1 by the front ends).
    Array(Box<PgType>),
    /// A user-defined type in the realm: an enum, a domain, a composite or a range type.
    Named(QualifiedName),
    /// A type provided by an extension or otherwise unknown (`vector(1536)`, `geometry(Point,4326)`),
    /// spelled as `format_type()` prints it.
    Other(String),
}

/// MySQL and MariaDB types. Display widths are dropped (they mean nothing since MySQL 8.0.17),
/// except `tinyint(1)`, which both flavours treat as a boolean.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MyType {
    Bool,
    TinyInt {
        unsigned: bool,
    },
    SmallInt {
        unsigned: bool,
    },
    MediumInt {
        unsigned: bool,
    },
    Int {
        unsigned: bool,
    },
    BigInt {
        unsigned: bool,
    },
    Decimal {
        precision: Option<u32>,
        scale: Option<u32>,
        unsigned: bool,
    },
    Float {
        precision: Option<u32>,
        unsigned: bool,
    },
    Double {
        unsigned: bool,
    },
    Bit(Option<u32>),
    Char(Option<u32>),
    Varchar(u32),
    TinyText,
    Text,
    MediumText,
    LongText,
    Binary(Option<u32>),
    Varbinary(u32),
    TinyBlob,
    Blob,
    MediumBlob,
    LongBlob,
    Date,
    Datetime(Option<u32>),
    Timestamp(Option<u32>),
    Time(Option<u32>),
    Year,
    Json,
    Enum(Vec<String>),
    Set(Vec<String>),
    /// geometry, point, linestring, polygon, multipoint, multilinestring, multipolygon,
    /// geometrycollection.
    Spatial(String),
    /// MariaDB only.
    Uuid,
    /// MariaDB only.
    Inet4,
    /// MariaDB only.
    Inet6,
}

/// SQLite keeps the declared type of a column as written; only its affinity matters for storage.
/// The declared name is stored lower-cased with single spaces, so `VARCHAR(10)` and `varchar(10)`
/// are the same type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SqliteType {
    pub decl: String,
}

/// SQLite's type affinity (datatype3.html §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

impl SqliteType {
    pub fn new(decl: &str) -> SqliteType {
        SqliteType {
            decl: decl
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase(),
        }
    }

    pub fn affinity(&self) -> Affinity {
        let d = &self.decl;
        if d.contains("int") {
            Affinity::Integer
        } else if d.contains("char") || d.contains("clob") || d.contains("text") {
            Affinity::Text
        } else if d.contains("blob") || d.is_empty() {
            Affinity::Blob
        } else if d.contains("real") || d.contains("floa") || d.contains("doub") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }
}

impl ColumnType {
    pub fn category(&self) -> TypeCategory {
        match self {
            ColumnType::Postgres(t) => t.category(),
            ColumnType::Mysql(t) => t.category(),
            ColumnType::Sqlite(t) => {
                let d = t.decl.as_str();
                if d.starts_with("bool") {
                    TypeCategory::Boolean
                } else if d.starts_with("date") || d.starts_with("time") {
                    TypeCategory::Datetime
                } else if d.starts_with("json") {
                    TypeCategory::Json
                } else if d.starts_with("uuid") {
                    TypeCategory::Uuid
                } else {
                    match t.affinity() {
                        Affinity::Integer => TypeCategory::Integer,
                        Affinity::Text => TypeCategory::Text,
                        Affinity::Blob => TypeCategory::Binary,
                        Affinity::Real | Affinity::Numeric => TypeCategory::Numeric,
                    }
                }
            }
            ColumnType::Unsupported { .. } => TypeCategory::Other,
        }
    }

    pub fn is_unsupported(&self) -> bool {
        matches!(self, ColumnType::Unsupported { .. })
    }
}

impl PgType {
    pub fn category(&self) -> TypeCategory {
        use PgType::*;
        match self {
            SmallInt | Integer | BigInt | SmallSerial | Serial | BigSerial => TypeCategory::Integer,
            Numeric { .. } | Real | DoublePrecision | Money => TypeCategory::Numeric,
            Text | Varchar(_) | Char(_) | Xml | TsVector | TsQuery => TypeCategory::Text,
            Bytea | Bit { .. } => TypeCategory::Binary,
            Boolean => TypeCategory::Boolean,
            Date | Time { .. } | Timestamp { .. } | Interval { .. } => TypeCategory::Datetime,
            Json | Jsonb => TypeCategory::Json,
            Uuid => TypeCategory::Uuid,
            Inet | Cidr | Macaddr | Macaddr8 => TypeCategory::Network,
            Geometric(_) => TypeCategory::Spatial,
            Array(_) => TypeCategory::Array,
            Range(_) | Named(_) | Other(_) => TypeCategory::Other,
        }
    }
}

impl MyType {
    pub fn category(&self) -> TypeCategory {
        use MyType::*;
        match self {
            Bool => TypeCategory::Boolean,
            TinyInt { .. } | SmallInt { .. } | MediumInt { .. } | Int { .. } | BigInt { .. } => {
                TypeCategory::Integer
            }
            Decimal { .. } | Float { .. } | Double { .. } => TypeCategory::Numeric,
            Char(_) | Varchar(_) | TinyText | Text | MediumText | LongText => TypeCategory::Text,
            Bit(_) | Binary(_) | Varbinary(_) | TinyBlob | Blob | MediumBlob | LongBlob => {
                TypeCategory::Binary
            }
            Date | Datetime(_) | Timestamp(_) | Time(_) | Year => TypeCategory::Datetime,
            Json => TypeCategory::Json,
            Enum(_) | Set(_) => TypeCategory::Enum,
            Spatial(_) => TypeCategory::Spatial,
            Uuid => TypeCategory::Uuid,
            Inet4 | Inet6 => TypeCategory::Network,
        }
    }
}
