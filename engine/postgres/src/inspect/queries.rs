//! The catalog queries of an inspection: a fixed list, each run once for all schemas in scope
//! (`$1`, an array of schema names). Objects that belong to an extension are left out (they are
//! the extension's, created by `CREATE EXTENSION`).

pub(super) const SET_SEARCH_PATH: &str = "-- search path
SELECT set_config('search_path', $1, true)";

pub(super) const SCHEMAS: &str = "-- schemas
SELECT n.nspname::text AS name,
  -- The comment every database's `public` schema is created with is no comment of the schema's.
  CASE WHEN n.nspname = 'public' AND d.description = 'standard public schema' THEN NULL
       ELSE d.description END AS comment,
  -- The owner, when it is not the one a schema gets by default (the database's owner).
  CASE WHEN n.nspowner <> (SELECT db.datdba FROM pg_database db WHERE db.datname = current_database())
        AND pg_get_userbyid(n.nspowner) <> 'pg_database_owner'
       THEN pg_get_userbyid(n.nspowner)::text END AS owner
FROM pg_namespace n
LEFT JOIN pg_description d
  ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
ORDER BY n.nspname";

pub(super) const TABLES: &str = "-- tables
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name,
  c.relkind::text AS kind, c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,
  c.relpersistence::text AS persistence, c.relrowsecurity AS rls, c.relforcerowsecurity AS rls_forced,
  c.relreplident::text AS replident,
  (SELECT ic.relname::text FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
   WHERE i.indrelid = c.oid AND i.indisreplident LIMIT 1) AS replident_index,
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
  c.relispartition AS is_partition,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partbound,
  ARRAY(SELECT pn.nspname::text FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent
        JOIN pg_namespace pn ON pn.oid = p.relnamespace
        WHERE h.inhrelid = c.oid ORDER BY h.inhseqno) AS parent_schemas,
  ARRAY(SELECT p.relname::text FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent
        WHERE h.inhrelid = c.oid ORDER BY h.inhseqno) AS parent_names,
  CASE WHEN am.amname IS NOT NULL AND am.amname <> 'heap' THEN am.amname::text END AS access_method,
  coalesce(c.reloptions, '{}')::text[] AS options,
  d.description AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname";

pub(super) const COLUMNS: &str = "-- columns
SELECT a.attrelid::int8 AS table_oid, a.attname::text AS name,
  format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default_expr,
  CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated_expr,
  a.attidentity::text AS identity, a.attislocal AS is_local,
  CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation,
  d.description AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname = ANY($1::name[])
ORDER BY a.attrelid, a.attnum";

/// Primary keys, unique, foreign key, check and exclusion constraints declared on the tables
/// themselves: copies on partitions (`conparentid`) and inherited checks are left out.
pub(super) const CONSTRAINTS: &str = "-- constraints
SELECT co.conrelid::int8 AS table_oid, co.conname::text AS name, co.contype::text AS kind,
  ARRAY(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num
        ORDER BY k.ord) AS columns,
  fn.nspname::text AS ref_schema, fc.relname::text AS ref_table,
  ARRAY(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num
        ORDER BY k.ord) AS ref_columns,
  co.confupdtype::text AS on_update, co.confdeltype::text AS on_delete,
  co.condeferrable AS deferrable, co.condeferred AS deferred, co.connoinherit AS no_inherit,
  NOT co.convalidated AS not_valid,
  pg_get_constraintdef(co.oid) AS definition,
  CASE WHEN co.conindid <> 0 THEN (SELECT ic.relname::text FROM pg_class ic WHERE ic.oid = co.conindid) END AS index_name,
  d.description AS comment
FROM pg_constraint co
JOIN pg_class c ON c.oid = co.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = co.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_description d
  ON d.objoid = co.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0
WHERE co.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relkind IN ('r', 'p')
  AND n.nspname = ANY($1::name[])
  AND co.conparentid = 0 AND (co.contype <> 'c' OR co.conislocal)
ORDER BY co.conrelid, co.oid";

/// Indexes of tables and materialized views, including those that back constraints (their
/// INCLUDE columns and storage parameters live here). Indexes attached to a partitioned
/// parent's index are the parent's, and left out.
pub(super) const INDEXES: &str = "-- indexes
SELECT i.indrelid::int8 AS table_oid, ic.relname::text AS name, i.indisunique AS is_unique,
  am.amname::text AS method, i.indnkeyatts::int4 AS key_count,
  ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
        FROM generate_series(1, i.indnatts::int4) k ORDER BY k) AS defs,
  ARRAY(SELECT coalesce(a.attname::text, '')
        FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num AND k.num > 0
        ORDER BY k.ord) AS column_names,
  ARRAY(SELECT u.x FROM unnest(i.indoption::int2[]) WITH ORDINALITY u(x, o) ORDER BY u.o) AS options,
  ARRAY(SELECT CASE WHEN opc.opcdefault THEN '' ELSE opc.opcname::text END
        FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(cls, ord)
        JOIN pg_opclass opc ON opc.oid = k.cls ORDER BY k.ord) AS opclasses,
  ARRAY(SELECT CASE WHEN k.coll = 0 OR a.attcollation IS NULL OR k.coll = a.attcollation THEN ''
                    ELSE (SELECT cl.collname::text FROM pg_collation cl WHERE cl.oid = k.coll) END
        FROM unnest(i.indcollation::oid[]) WITH ORDINALITY k(coll, ord)
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = (i.indkey::int2[])[k.ord - 1]
        ORDER BY k.ord) AS collations,
  pg_get_expr(i.indpred, i.indrelid) AS predicate,
  coalesce(ic.reloptions, '{}')::text[] AS storage,
  i.indnullsnotdistinct AS nulls_not_distinct,
  (SELECT co.contype::text FROM pg_constraint co
   WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')
   LIMIT 1) AS constraint_kind,
  d.description AS comment
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_description d
  ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = ANY($1::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
ORDER BY i.indrelid, ic.relname";

pub(super) const TRIGGERS: &str = "-- triggers
SELECT tg.tgrelid::int8 AS table_oid, c.relkind::text AS table_kind, tg.tgname::text AS name,
  tg.tgtype::int4 AS type,
  ARRAY(SELECT a.attname::text FROM unnest(tg.tgattr::int2[]) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = tg.tgrelid AND a.attnum = k.num
        ORDER BY k.ord) AS columns,
  fn.nspname::text AS function_schema, p.proname::text AS function_name,
  tg.tgnargs::int4 AS nargs, tg.tgargs AS args,
  pg_get_triggerdef(tg.oid) AS definition,
  tg.tgconstraint <> 0 AS is_constraint,
  tg.tgoldtable IS NOT NULL OR tg.tgnewtable IS NOT NULL AS has_transition
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = tg.tgfoid
JOIN pg_namespace fn ON fn.oid = p.pronamespace
WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND n.nspname = ANY($1::name[])
ORDER BY tg.tgrelid, tg.tgname";

pub(super) const POLICIES: &str = "-- policies
SELECT pol.polrelid::int8 AS table_oid, pol.polname::text AS name,
  pol.polpermissive AS permissive, pol.polcmd::text AS command,
  ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END
        FROM unnest(pol.polroles) r(oid) ORDER BY 1) AS roles,
  pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
  pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::name[])
ORDER BY pol.polrelid, pol.polname";

/// Every sequence, with the column that owns it (`a`: serial or `OWNED BY`; `i`: identity).
pub(super) const SEQUENCES: &str = "-- sequences
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name,
  format_type(s.seqtypid, NULL) AS type, s.seqstart AS start, s.seqincrement AS increment,
  s.seqmin AS min, s.seqmax AS max, s.seqcache AS cache, s.seqcycle AS cycle,
  c.oid::regclass::text AS regclass,
  dep.refobjid::int8 AS owner_oid, dep.deptype::text AS owner_kind,
  (SELECT oc.relname::text FROM pg_class oc WHERE oc.oid = dep.refobjid) AS owner_table,
  (SELECT a.attname::text FROM pg_attribute a
   WHERE a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid) AS owner_column,
  d.description AS comment
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend dep
  ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
 AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
LEFT JOIN pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY($1::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname";

pub(super) const VIEWS: &str = "-- views
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name,
  c.relkind::text AS kind, pg_get_viewdef(c.oid) AS definition,
  coalesce(c.reloptions, '{}')::text[] AS options, c.relispopulated AS populated,
  d.description AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname";

/// Functions, procedures and aggregates (the aggregate columns are null for the others).
pub(super) const ROUTINES: &str = "-- functions
SELECT n.nspname::text AS schema, p.proname::text AS name, p.prokind::text AS kind,
  l.lanname::text AS language,
  CASE WHEN p.prokind = 'p' THEN NULL ELSE pg_get_function_result(p.oid) END AS returns,
  pg_get_function_arguments(p.oid) AS args_text,
  coalesce(p.proargnames, '{}')::text[] AS arg_names,
  coalesce(p.proargmodes::text[], '{}') AS arg_modes,
  ARRAY(SELECT format_type(u.t, NULL)
        FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY u(t, o)
        ORDER BY u.o) AS arg_types,
  CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) END AS sql_body,
  p.prosrc AS source, p.provolatile::text AS volatility, p.proisstrict AS strict,
  p.prosecdef AS security_definer, p.proleakproof AS leakproof, p.proparallel::text AS parallel,
  coalesce(p.proconfig, '{}')::text[] AS config,
  a.aggtransfn::regproc::text AS state_func,
  CASE WHEN a.aggfnoid IS NOT NULL THEN format_type(a.aggtranstype, NULL) END AS state_type,
  CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::regproc::text END AS final_func,
  a.agginitval AS initial_value,
  d.description AS comment
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid AND a.aggkind = 'n'
LEFT JOIN pg_description d
  ON d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0
WHERE (p.prokind IN ('f', 'p') OR (p.prokind = 'a' AND a.aggfnoid IS NOT NULL))
  AND n.nspname = ANY($1::name[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, p.oid";

/// Enums, domains (with their checks), composite types and range types.
pub(super) const TYPES: &str = "-- types
SELECT n.nspname::text AS schema, t.typname::text AS name, t.typtype::text AS kind,
  ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
        ORDER BY e.enumsortorder) AS labels,
  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
  t.typnotnull AS not_null,
  CASE WHEN t.typtype = 'd' THEN pg_get_expr(t.typdefaultbin, 0) END AS default_expr,
  CASE WHEN t.typtype = 'd' AND t.typcollation <> coalesce(bt.typcollation, 0)
       THEN co.collname::text END AS collation,
  ARRAY(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'
        ORDER BY c.oid) AS check_names,
  ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.oid) AS check_defs,
  ARRAY(SELECT a.attname::text FROM pg_attribute a
        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum) AS field_names,
  ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum) AS field_types,
  (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid) AS range_subtype,
  d.description AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_class rc ON rc.oid = t.typrelid
LEFT JOIN pg_description d
  ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY($1::name[])
  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND rc.relkind = 'c'))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.oid";

/// Extensions; `plpgsql` is in every database and not the schema's to manage.
pub(super) const EXTENSIONS: &str = "-- extensions
SELECT e.extname::text AS name, n.nspname::text AS schema, e.extversion::text AS version,
  -- The comment an extension's control file gives it is the extension's, not the schema's.
  CASE WHEN d.description IS DISTINCT FROM
            (SELECT a.comment FROM pg_available_extensions a WHERE a.name = e.extname)
       THEN d.description END AS comment
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_description d
  ON d.objoid = e.oid AND d.classoid = 'pg_extension'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY($1::name[]) AND e.extname <> 'plpgsql'
ORDER BY e.extname";

/// Whether `pg_authid` (and so whether a role has a password) is readable. Like every query
/// here it takes the schema list, unused.
pub(super) const CAN_READ_AUTHID: &str = "-- password visibility
SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS readable
WHERE cardinality($1::text[]) >= 0";

/// Roles other than the built-in `pg_*` roles and the bootstrap superuser. Whether a role has a
/// password is only visible to superusers (`pg_authid`); the other variant reports none.
pub(super) const ROLES_WITH_PASSWORDS: &str = "-- roles
SELECT r.rolname::text AS name, r.rolcanlogin AS login, r.rolsuper AS superuser,
  r.rolcreatedb AS create_db, r.rolcreaterole AS create_role, r.rolbypassrls AS bypass_rls,
  r.rolreplication AS replication, r.rolinherit AS inherit, r.rolconnlimit::int4 AS conn_limit,
  ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        WHERE m.member = r.oid ORDER BY 1) AS member_of,
  (SELECT a.rolpassword IS NOT NULL FROM pg_authid a WHERE a.oid = r.oid) AS password_set,
  shobj_description(r.oid, 'pg_authid') AS comment
FROM pg_roles r
WHERE r.rolname !~ '^pg_' AND r.oid <> 10 AND cardinality($1::text[]) >= 0
ORDER BY 1";

pub(super) const ROLES: &str = "-- roles
SELECT r.rolname::text AS name, r.rolcanlogin AS login, r.rolsuper AS superuser,
  r.rolcreatedb AS create_db, r.rolcreaterole AS create_role, r.rolbypassrls AS bypass_rls,
  r.rolreplication AS replication, r.rolinherit AS inherit, r.rolconnlimit::int4 AS conn_limit,
  ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        WHERE m.member = r.oid ORDER BY 1) AS member_of,
  false AS password_set,
  shobj_description(r.oid, 'pg_authid') AS comment
FROM pg_roles r
WHERE r.rolname !~ '^pg_' AND r.oid <> 10 AND cardinality($1::text[]) >= 0
ORDER BY 1";

/// Explicit privileges on the database, the schemas in scope and their objects: each ACL minus
/// what the object's default ACL already grants, and minus the owner's own privileges.
pub(super) const PERMISSIONS: &str = "-- permissions
WITH acl AS (
  SELECT 'database' AS kind, NULL::text AS schema, NULL::text AS name, NULL::text AS col,
         NULL::text[] AS args, x.*
  FROM pg_database db,
  LATERAL (SELECT * FROM aclexplode(db.datacl) EXCEPT SELECT * FROM aclexplode(acldefault('d', db.datdba))) x
  WHERE db.datname = current_database() AND x.grantee <> db.datdba
UNION ALL
  SELECT 'schema', n.nspname::text, NULL, NULL, NULL, x.*
  FROM pg_namespace n,
  LATERAL (SELECT * FROM aclexplode(n.nspacl) EXCEPT SELECT * FROM aclexplode(acldefault('n', n.nspowner))) x
  WHERE n.nspname = ANY($1::name[]) AND x.grantee <> n.nspowner
    -- Every database's `public` schema is created with USAGE for PUBLIC.
    AND NOT (n.nspname = 'public' AND x.grantee = 0 AND x.grantor = n.nspowner
             AND x.privilege_type = 'USAGE' AND NOT x.is_grantable)
UNION ALL
  SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, n.nspname::text, c.relname::text, NULL, NULL, x.*
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
  LATERAL (SELECT * FROM aclexplode(c.relacl)
           EXCEPT SELECT * FROM aclexplode(acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::\"char\", c.relowner))) x
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND n.nspname = ANY($1::name[]) AND x.grantee <> c.relowner
UNION ALL
  SELECT 'column', n.nspname::text, c.relname::text, a.attname::text, NULL, x.*
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
  LATERAL aclexplode(a.attacl) x
  WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
    AND n.nspname = ANY($1::name[]) AND x.grantee <> c.relowner
UNION ALL
  SELECT CASE WHEN p.prokind = 'p' THEN 'procedure' ELSE 'function' END, n.nspname::text, p.proname::text, NULL,
         ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, o) ORDER BY o),
         x.*
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
  LATERAL (SELECT * FROM aclexplode(p.proacl) EXCEPT SELECT * FROM aclexplode(acldefault('f', p.proowner))) x
  WHERE n.nspname = ANY($1::name[]) AND x.grantee <> p.proowner
UNION ALL
  SELECT 'type', n.nspname::text, t.typname::text, NULL, NULL, x.*
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,
  LATERAL (SELECT * FROM aclexplode(t.typacl) EXCEPT SELECT * FROM aclexplode(acldefault('T', t.typowner))) x
  WHERE n.nspname = ANY($1::name[]) AND x.grantee <> t.typowner
)
SELECT kind, schema, name, col, args,
  CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(grantee)::text END AS grantee,
  privilege_type::text AS privilege, is_grantable AS grantable
FROM acl
ORDER BY kind, schema, name, col, grantee, privilege";

/// Default privileges: global entries replace the built-in defaults (so those are subtracted),
/// per-schema entries add to them.
pub(super) const DEFAULT_PRIVILEGES: &str = "-- default privileges
SELECT pg_get_userbyid(da.defaclrole)::text AS for_role,
  n.nspname::text AS schema, da.defaclobjtype::text AS kind,
  CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee)::text END AS grantee,
  x.privilege_type::text AS privilege, x.is_grantable AS grantable
FROM pg_default_acl da
LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace,
LATERAL (SELECT * FROM aclexplode(da.defaclacl)
         EXCEPT SELECT * FROM aclexplode(acldefault(
                  CASE WHEN da.defaclobjtype = 'S' THEN 's' ELSE da.defaclobjtype END::\"char\", da.defaclrole))
                WHERE da.defaclnamespace = 0) x
WHERE (da.defaclnamespace = 0 OR n.nspname = ANY($1::name[]))
  AND NOT (da.defaclnamespace = 0 AND x.grantee = da.defaclrole)
ORDER BY 1, 2, 3, 4, 5";
