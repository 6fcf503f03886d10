--
-- PostgreSQL database dump
--

\restrict 1xCSUVZVfebvp8wSb8EkWLylcddRY5wZTdlsc6cDzRwmyjdQtbKjS5CO4CzPx8N

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: app; Type: SCHEMA; Schema: -; Owner: cairn_split_owner
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO cairn_split_owner;

--
-- Name: SCHEMA app; Type: COMMENT; Schema: -; Owner: cairn_split_owner
--

COMMENT ON SCHEMA app IS 'application objects';


--
-- Name: audit; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA audit;


ALTER SCHEMA audit OWNER TO postgres;

--
-- Name: german; Type: COLLATION; Schema: app; Owner: postgres
--

CREATE COLLATION app.german (provider = icu, locale = 'de-DE');


ALTER COLLATION app.german OWNER TO postgres;

--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;


--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';


--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;


--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


--
-- Name: email; Type: DOMAIN; Schema: app; Owner: postgres
--

CREATE DOMAIN app.email AS public.citext NOT NULL
	CONSTRAINT email_check CHECK ((VALUE OPERATOR(public.~) '^[^@]+@[^@]+$'::public.citext));


ALTER DOMAIN app.email OWNER TO postgres;

--
-- Name: money_pair; Type: TYPE; Schema: app; Owner: postgres
--

CREATE TYPE app.money_pair AS (
	amount numeric(12,2),
	currency character(3)
);


ALTER TYPE app.money_pair OWNER TO postgres;

--
-- Name: positive_int; Type: DOMAIN; Schema: app; Owner: postgres
--

CREATE DOMAIN app.positive_int AS integer DEFAULT 1
	CONSTRAINT positive CHECK ((VALUE > 0));


ALTER DOMAIN app.positive_int OWNER TO postgres;

--
-- Name: status; Type: TYPE; Schema: app; Owner: postgres
--

CREATE TYPE app.status AS ENUM (
    'active',
    'suspended',
    'deleted'
);


ALTER TYPE app.status OWNER TO postgres;

--
-- Name: CAST (app.money_pair AS text); Type: CAST; Schema: -; Owner: -
--

CREATE CAST (app.money_pair AS text) WITH INOUT;


--
-- Name: add(integer, integer); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.add(a integer, b integer DEFAULT 1) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$select a + b$$;


ALTER FUNCTION app.add(a integer, b integer) OWNER TO postgres;

--
-- Name: archive(date); Type: PROCEDURE; Schema: app; Owner: postgres
--

CREATE PROCEDURE app.archive(IN before date)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'app', 'pg_temp'
    AS $$
BEGIN
  DELETE FROM app.events WHERE at < before;
END
$$;


ALTER PROCEDURE app.archive(IN before date) OWNER TO postgres;

--
-- Name: audit_fn(); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.audit_fn() RETURNS event_trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE NOTICE 'ddl'; END $$;


ALTER FUNCTION app.audit_fn() OWNER TO postgres;

--
-- Name: touch(); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.created_at := now();
  RETURN NEW;
END;
$$;


ALTER FUNCTION app.touch() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: users; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.users (
    id bigint NOT NULL,
    email app.email,
    name text DEFAULT ''::text NOT NULL,
    status app.status DEFAULT 'active'::app.status NOT NULL,
    balance app.money_pair,
    tags text[] DEFAULT '{}'::text[],
    profile jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, name)) STORED
);

ALTER TABLE ONLY app.users FORCE ROW LEVEL SECURITY;


ALTER TABLE app.users OWNER TO postgres;

--
-- Name: TABLE users; Type: COMMENT; Schema: app; Owner: postgres
--

COMMENT ON TABLE app.users IS 'people who log in';


--
-- Name: COLUMN users.email; Type: COMMENT; Schema: app; Owner: postgres
--

COMMENT ON COLUMN app.users.email IS 'unique, case-insensitive';


--
-- Name: user_count(app.status); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.user_count(s app.status) RETURNS bigint
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT count(*) AS count
    FROM app.users
   WHERE (users.status = user_count.s);
END;


ALTER FUNCTION app.user_count(s app.status) OWNER TO postgres;

--
-- Name: mysum(integer); Type: AGGREGATE; Schema: app; Owner: postgres
--

CREATE AGGREGATE app.mysum(integer) (
    SFUNC = int4pl,
    STYPE = integer,
    INITCOND = '0'
);


ALTER AGGREGATE app.mysum(integer) OWNER TO postgres;

--
-- Name: ===; Type: OPERATOR; Schema: app; Owner: postgres
--

CREATE OPERATOR app.=== (
    FUNCTION = int4eq,
    LEFTARG = integer,
    RIGHTARG = integer
);


ALTER OPERATOR app.=== (integer, integer) OWNER TO postgres;

--
-- Name: simple2; Type: TEXT SEARCH CONFIGURATION; Schema: app; Owner: postgres
--

CREATE TEXT SEARCH CONFIGURATION app.simple2 (
    PARSER = pg_catalog."default" );

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR asciiword WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR word WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR numword WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR email WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR url WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR host WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR sfloat WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR version WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR hword_numpart WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR hword_part WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR hword_asciipart WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR numhword WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR asciihword WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR hword WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR url_path WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR file WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR "float" WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR "int" WITH simple;

ALTER TEXT SEARCH CONFIGURATION app.simple2
    ADD MAPPING FOR uint WITH simple;


ALTER TEXT SEARCH CONFIGURATION app.simple2 OWNER TO postgres;

--
-- Name: active_users; Type: VIEW; Schema: app; Owner: postgres
--

CREATE VIEW app.active_users AS
 SELECT users.id,
    users.email
   FROM app.users
  WHERE (users.status = 'active'::app.status)
  WITH CASCADED CHECK OPTION;


ALTER TABLE app.active_users OWNER TO postgres;

--
-- Name: cache; Type: TABLE; Schema: app; Owner: postgres
--

CREATE UNLOGGED TABLE app.cache (
    k text NOT NULL,
    v bytea
);


ALTER TABLE app.cache OWNER TO postgres;

--
-- Name: items; Type: TABLE; Schema: app; Owner: cairn_split_owner
--

CREATE TABLE app.items (
    id integer NOT NULL,
    sku text NOT NULL
);
ALTER TABLE ONLY app.items ALTER COLUMN id SET (n_distinct=100);


ALTER TABLE app.items OWNER TO cairn_split_owner;

--
-- Name: child; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.child (
    extra integer
)
INHERITS (app.items);


ALTER TABLE app.child OWNER TO postgres;

--
-- Name: events; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.events (
    id bigint NOT NULL,
    at date NOT NULL,
    payload jsonb
)
PARTITION BY RANGE (at);


ALTER TABLE app.events OWNER TO postgres;

--
-- Name: events_2024; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.events_2024 (
    id bigint NOT NULL,
    at date NOT NULL,
    payload jsonb
);


ALTER TABLE app.events_2024 OWNER TO postgres;

--
-- Name: events_default; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.events_default (
    id bigint NOT NULL,
    at date NOT NULL,
    payload jsonb
);


ALTER TABLE app.events_default OWNER TO postgres;

--
-- Name: hashed; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.hashed (
    id integer
)
PARTITION BY HASH (id);


ALTER TABLE app.hashed OWNER TO postgres;

--
-- Name: hashed_0; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.hashed_0 (
    id integer
);


ALTER TABLE app.hashed_0 OWNER TO postgres;

--
-- Name: items_id_seq; Type: SEQUENCE; Schema: app; Owner: cairn_split_owner
--

ALTER TABLE app.items ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME app.items_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: orders; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.orders (
    id integer NOT NULL,
    user_id bigint NOT NULL,
    order_no integer NOT NULL,
    qty app.positive_int,
    total numeric(12,2),
    during tstzrange,
    note character varying(200) COLLATE pg_catalog."C",
    CONSTRAINT orders_total_check CHECK ((total >= (0)::numeric))
);

ALTER TABLE ONLY app.orders REPLICA IDENTITY FULL;


ALTER TABLE app.orders OWNER TO postgres;

--
-- Name: order_no; Type: SEQUENCE; Schema: app; Owner: postgres
--

CREATE SEQUENCE app.order_no
    START WITH 1000
    INCREMENT BY 5
    MINVALUE 1000
    MAXVALUE 99999999
    CACHE 10
    CYCLE;


ALTER TABLE app.order_no OWNER TO postgres;

--
-- Name: order_no; Type: SEQUENCE OWNED BY; Schema: app; Owner: postgres
--

ALTER SEQUENCE app.order_no OWNED BY app.orders.order_no;


--
-- Name: order_totals; Type: MATERIALIZED VIEW; Schema: app; Owner: postgres
--

CREATE MATERIALIZED VIEW app.order_totals AS
 SELECT orders.user_id,
    sum(orders.total) AS total
   FROM app.orders
  GROUP BY orders.user_id
  WITH NO DATA;


ALTER TABLE app.order_totals OWNER TO postgres;

--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: app; Owner: postgres
--

CREATE SEQUENCE app.orders_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app.orders_id_seq OWNER TO postgres;

--
-- Name: orders_id_seq; Type: SEQUENCE OWNED BY; Schema: app; Owner: postgres
--

ALTER SEQUENCE app.orders_id_seq OWNED BY app.orders.id;


--
-- Name: regions; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.regions (
    code text,
    name text
)
PARTITION BY LIST (code);


ALTER TABLE app.regions OWNER TO postgres;

--
-- Name: regions_eu; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.regions_eu (
    code text,
    name text
);


ALTER TABLE app.regions_eu OWNER TO postgres;

--
-- Name: user_counts; Type: MATERIALIZED VIEW; Schema: app; Owner: postgres
--

CREATE MATERIALIZED VIEW app.user_counts AS
 SELECT users.status,
    count(*) AS n
   FROM app.users
  GROUP BY users.status
  WITH NO DATA;


ALTER TABLE app.user_counts OWNER TO postgres;

--
-- Name: users_id_seq; Type: SEQUENCE; Schema: app; Owner: postgres
--

ALTER TABLE app.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.users_id_seq
    START WITH 10
    INCREMENT BY 2
    NO MINVALUE
    NO MAXVALUE
    CACHE 5
);


--
-- Name: log; Type: TABLE; Schema: audit; Owner: postgres
--

CREATE TABLE audit.log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp(),
    what text
)
WITH (autovacuum_enabled='false', fillfactor='90');


ALTER TABLE audit.log OWNER TO postgres;

--
-- Name: log_id_seq; Type: SEQUENCE; Schema: audit; Owner: postgres
--

CREATE SEQUENCE audit.log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE audit.log_id_seq OWNER TO postgres;

--
-- Name: log_id_seq; Type: SEQUENCE OWNED BY; Schema: audit; Owner: postgres
--

ALTER SEQUENCE audit.log_id_seq OWNED BY audit.log.id;


--
-- Name: events_2024; Type: TABLE ATTACH; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.events ATTACH PARTITION app.events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');


--
-- Name: events_default; Type: TABLE ATTACH; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.events ATTACH PARTITION app.events_default DEFAULT;


--
-- Name: hashed_0; Type: TABLE ATTACH; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.hashed ATTACH PARTITION app.hashed_0 FOR VALUES WITH (modulus 2, remainder 0);


--
-- Name: regions_eu; Type: TABLE ATTACH; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.regions ATTACH PARTITION app.regions_eu FOR VALUES IN ('de', 'fr');


--
-- Name: orders id; Type: DEFAULT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders ALTER COLUMN id SET DEFAULT nextval('app.orders_id_seq'::regclass);


--
-- Name: orders order_no; Type: DEFAULT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders ALTER COLUMN order_no SET DEFAULT nextval('app.order_no'::regclass);


--
-- Name: log id; Type: DEFAULT; Schema: audit; Owner: postgres
--

ALTER TABLE ONLY audit.log ALTER COLUMN id SET DEFAULT nextval('audit.log_id_seq'::regclass);


--
-- Name: cache cache_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.cache
    ADD CONSTRAINT cache_pkey PRIMARY KEY (k);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id, at);


--
-- Name: events_2024 events_2024_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.events_2024
    ADD CONSTRAINT events_2024_pkey PRIMARY KEY (id, at);


--
-- Name: events_default events_default_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.events_default
    ADD CONSTRAINT events_default_pkey PRIMARY KEY (id, at);


--
-- Name: items items_pkey; Type: CONSTRAINT; Schema: app; Owner: cairn_split_owner
--

ALTER TABLE ONLY app.items
    ADD CONSTRAINT items_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);

ALTER TABLE app.orders CLUSTER ON orders_pkey;


--
-- Name: orders orders_user_id_during_excl; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_user_id_during_excl EXCLUDE USING gist (user_id WITH =, during WITH &&);


--
-- Name: users users_email_key; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.users
    ADD CONSTRAINT users_email_key UNIQUE (email);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: log log_pkey; Type: CONSTRAINT; Schema: audit; Owner: postgres
--

ALTER TABLE ONLY audit.log
    ADD CONSTRAINT log_pkey PRIMARY KEY (id);


--
-- Name: events_at; Type: INDEX; Schema: app; Owner: postgres
--

CREATE INDEX events_at ON ONLY app.events USING btree (at);


--
-- Name: events_2024_at_idx; Type: INDEX; Schema: app; Owner: postgres
--

CREATE INDEX events_2024_at_idx ON app.events_2024 USING btree (at);


--
-- Name: events_default_at_idx; Type: INDEX; Schema: app; Owner: postgres
--

CREATE INDEX events_default_at_idx ON app.events_default USING btree (at);


--
-- Name: items_sku_lower; Type: INDEX; Schema: app; Owner: cairn_split_owner
--

CREATE UNIQUE INDEX items_sku_lower ON app.items USING btree (lower(sku)) WHERE (sku <> ''::text);


--
-- Name: order_totals_user; Type: INDEX; Schema: app; Owner: postgres
--

CREATE UNIQUE INDEX order_totals_user ON app.order_totals USING btree (user_id);


--
-- Name: users_created; Type: INDEX; Schema: app; Owner: postgres
--

CREATE INDEX users_created ON app.users USING btree (created_at DESC NULLS LAST) INCLUDE (name) WITH (fillfactor='80');


--
-- Name: users_profile_gin; Type: INDEX; Schema: app; Owner: postgres
--

CREATE INDEX users_profile_gin ON app.users USING gin (profile jsonb_path_ops);


--
-- Name: events_2024_at_idx; Type: INDEX ATTACH; Schema: app; Owner: postgres
--

ALTER INDEX app.events_at ATTACH PARTITION app.events_2024_at_idx;


--
-- Name: events_2024_pkey; Type: INDEX ATTACH; Schema: app; Owner: postgres
--

ALTER INDEX app.events_pkey ATTACH PARTITION app.events_2024_pkey;


--
-- Name: events_default_at_idx; Type: INDEX ATTACH; Schema: app; Owner: postgres
--

ALTER INDEX app.events_at ATTACH PARTITION app.events_default_at_idx;


--
-- Name: events_default_pkey; Type: INDEX ATTACH; Schema: app; Owner: postgres
--

ALTER INDEX app.events_pkey ATTACH PARTITION app.events_default_pkey;


--
-- Name: users_stats; Type: STATISTICS; Schema: app; Owner: postgres
--

CREATE STATISTICS app.users_stats (dependencies) ON name, status FROM app.users;


ALTER STATISTICS app.users_stats OWNER TO postgres;

--
-- Name: cache no_delete; Type: RULE; Schema: app; Owner: postgres
--

CREATE RULE no_delete AS
    ON DELETE TO app.cache DO INSTEAD NOTHING;


--
-- Name: orders orders_check; Type: TRIGGER; Schema: app; Owner: postgres
--

CREATE CONSTRAINT TRIGGER orders_check AFTER INSERT ON app.orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app.touch();


--
-- Name: users users_touch; Type: TRIGGER; Schema: app; Owner: postgres
--

CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE OF name ON app.users FOR EACH ROW WHEN ((new.name IS NOT NULL)) EXECUTE FUNCTION app.touch();


--
-- Name: orders orders_user_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;


--
-- Name: users; Type: ROW SECURITY; Schema: app; Owner: postgres
--

ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;

--
-- Name: users users_ins; Type: POLICY; Schema: app; Owner: postgres
--

CREATE POLICY users_ins ON app.users FOR INSERT TO cairn_split_app, cairn_split_ro WITH CHECK ((status <> 'deleted'::app.status));


--
-- Name: users users_self; Type: POLICY; Schema: app; Owner: postgres
--

CREATE POLICY users_self ON app.users FOR SELECT TO cairn_split_app USING ((id = (current_setting('app.uid'::text))::bigint));


--
-- Name: cairn_split_pub; Type: PUBLICATION; Schema: -; Owner: postgres
--

CREATE PUBLICATION cairn_split_pub WITH (publish = 'insert, update, delete, truncate');


ALTER PUBLICATION cairn_split_pub OWNER TO postgres;

--
-- Name: cairn_split_pub users; Type: PUBLICATION TABLE; Schema: app; Owner: postgres
--

ALTER PUBLICATION cairn_split_pub ADD TABLE ONLY app.users;


--
-- Name: SCHEMA app; Type: ACL; Schema: -; Owner: cairn_split_owner
--

GRANT USAGE ON SCHEMA app TO cairn_split_app;


--
-- Name: FUNCTION add(a integer, b integer); Type: ACL; Schema: app; Owner: postgres
--

GRANT ALL ON FUNCTION app.add(a integer, b integer) TO cairn_split_app;


--
-- Name: FUNCTION touch(); Type: ACL; Schema: app; Owner: postgres
--

REVOKE ALL ON FUNCTION app.touch() FROM PUBLIC;


--
-- Name: TABLE users; Type: ACL; Schema: app; Owner: postgres
--

GRANT SELECT,INSERT,UPDATE ON TABLE app.users TO cairn_split_app WITH GRANT OPTION;


--
-- Name: COLUMN users.id; Type: ACL; Schema: app; Owner: postgres
--

GRANT SELECT(id) ON TABLE app.users TO cairn_split_ro;


--
-- Name: COLUMN users.email; Type: ACL; Schema: app; Owner: postgres
--

GRANT SELECT(email) ON TABLE app.users TO cairn_split_ro;


--
-- Name: SEQUENCE order_no; Type: ACL; Schema: app; Owner: postgres
--

GRANT SELECT,USAGE ON SEQUENCE app.order_no TO cairn_split_app;


--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: app; Owner: cairn_split_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE cairn_split_owner IN SCHEMA app GRANT USAGE ON SEQUENCES  TO cairn_split_app;


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: app; Owner: postgres
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app GRANT SELECT ON TABLES  TO cairn_split_ro;


--
-- Name: DEFAULT PRIVILEGES FOR TYPES; Type: DEFAULT ACL; Schema: -; Owner: cairn_split_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE cairn_split_owner REVOKE ALL ON TYPES  FROM PUBLIC;


--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: cairn_split_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE cairn_split_owner GRANT ALL ON FUNCTIONS  TO cairn_split_app;


--
-- Name: cairn_split_audit; Type: EVENT TRIGGER; Schema: -; Owner: postgres
--

CREATE EVENT TRIGGER cairn_split_audit ON ddl_command_end
   EXECUTE FUNCTION app.audit_fn();


ALTER EVENT TRIGGER cairn_split_audit OWNER TO postgres;

--
-- PostgreSQL database dump complete
--

\unrestrict 1xCSUVZVfebvp8wSb8EkWLylcddRY5wZTdlsc6cDzRwmyjdQtbKjS5CO4CzPx8N

