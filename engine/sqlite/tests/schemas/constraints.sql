-- Constraint families: named and unnamed keys, UNIQUE constraints declared around a primary key
-- (SQLite numbers their indexes in declaration order), checks, composite and self-referencing
-- foreign keys, a cycle, deferrable keys and keys that reference a primary key implicitly.
CREATE TABLE regions (
  code TEXT UNIQUE,
  name TEXT NOT NULL CONSTRAINT regions_pk PRIMARY KEY,
  short TEXT UNIQUE,
  CONSTRAINT regions_code_len CHECK (length(code) = 2),
  CHECK (name <> '')
);

CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  region TEXT REFERENCES regions,
  manager_id INTEGER,
  name TEXT NOT NULL,
  UNIQUE (region, name),
  CONSTRAINT departments_manager_fkey FOREIGN KEY (manager_id) REFERENCES employees (id)
    DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE employees (
  id INTEGER PRIMARY KEY,
  department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  mentor_id INTEGER REFERENCES employees (id) ON DELETE SET NULL,
  salary INTEGER CONSTRAINT salary_positive CHECK (salary > 0),
  badge INTEGER DEFAULT 0 REFERENCES badges (id) ON DELETE SET DEFAULT
);

CREATE TABLE badges (
  id INTEGER PRIMARY KEY,
  label TEXT
);

CREATE TABLE shifts (
  employee_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  slot INTEGER NOT NULL,
  CONSTRAINT shifts_key PRIMARY KEY (employee_id, day, slot),
  UNIQUE (day, slot, employee_id),
  FOREIGN KEY (employee_id) REFERENCES employees (id) DEFERRABLE
);

CREATE TABLE shift_swaps (
  employee_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  slot INTEGER NOT NULL,
  with_employee INTEGER NOT NULL,
  FOREIGN KEY (employee_id, day, slot) REFERENCES shifts (employee_id, day, slot) ON DELETE CASCADE,
  FOREIGN KEY (with_employee) REFERENCES employees (id)
);

-- A named UNIQUE constraint between the key and an unnamed one: all three take numbered indexes.
CREATE TABLE codes (
  a TEXT,
  b TEXT,
  c TEXT PRIMARY KEY,
  CONSTRAINT codes_a_key UNIQUE (a),
  UNIQUE (b)
);
