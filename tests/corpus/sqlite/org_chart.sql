-- An organisation chart in SQLite: employees report to employees (a self-reference), departments
-- have a head who is an employee while every employee belongs to a department (a foreign-key
-- cycle: SQLite resolves references when rows are written, and the deferred keys let one
-- transaction create a department together with its head), and a recursive view walks the
-- management chain.

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    name varchar(100) NOT NULL,
    cost_center char(6) NOT NULL UNIQUE,
    parent_id integer REFERENCES departments (id) ON DELETE RESTRICT,
    head_employee_id integer
        CONSTRAINT departments_head_fk REFERENCES employees (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE TABLE employees (
    id INTEGER PRIMARY KEY,
    employee_number varchar(10) NOT NULL,
    given_name varchar(100) NOT NULL,
    family_name varchar(100) NOT NULL,
    email varchar(254) NOT NULL COLLATE NOCASE,
    department_id integer NOT NULL,
    manager_id integer,
    job_title varchar(100) NOT NULL,
    hired_on date NOT NULL,
    left_on date,
    salary numeric(10,2),
    full_name text GENERATED ALWAYS AS (given_name || ' ' || family_name) VIRTUAL,
    CONSTRAINT employees_employee_number_key UNIQUE (employee_number),
    CONSTRAINT employees_department_fk FOREIGN KEY (department_id) REFERENCES departments (id)
        DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT employees_manager_fk FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL,
    CONSTRAINT employees_not_own_manager CHECK (manager_id IS NULL OR manager_id <> id),
    CONSTRAINT employees_dates CHECK (left_on IS NULL OR left_on > hired_on)
);
CREATE UNIQUE INDEX employees_active_email_key ON employees (email) WHERE left_on IS NULL;
CREATE INDEX employees_manager_idx ON employees (manager_id);
CREATE INDEX employees_department_idx ON employees (department_id);
CREATE INDEX employees_name_idx ON employees (family_name COLLATE NOCASE, given_name COLLATE NOCASE);

CREATE TABLE positions (
    id INTEGER PRIMARY KEY,
    department_id integer NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    title varchar(100) NOT NULL,
    filled_by integer UNIQUE REFERENCES employees (id) ON DELETE SET NULL,
    opened_on date NOT NULL DEFAULT (date('now'))
);

CREATE VIEW management_chain AS
WITH RECURSIVE chain (employee_id, manager_id, depth) AS (
    SELECT id, manager_id, 1 FROM employees WHERE manager_id IS NOT NULL
    UNION ALL
    SELECT c.employee_id, e.manager_id, c.depth + 1
    FROM chain c
    JOIN employees e ON e.id = c.manager_id
    WHERE e.manager_id IS NOT NULL AND c.depth < 20
)
SELECT employee_id, manager_id, depth FROM chain;

CREATE VIEW directory (id, full_name, email, department, manager) AS
SELECT e.id, e.full_name, e.email, d.name, m.full_name
FROM employees e
JOIN departments d ON d.id = e.department_id
LEFT JOIN employees m ON m.id = e.manager_id
WHERE e.left_on IS NULL;

CREATE TRIGGER employees_left_release_position
AFTER UPDATE OF left_on ON employees
FOR EACH ROW WHEN NEW.left_on IS NOT NULL AND OLD.left_on IS NULL
BEGIN
    UPDATE positions SET filled_by = NULL WHERE filled_by = NEW.id;
    UPDATE departments SET head_employee_id = NULL WHERE head_employee_id = NEW.id;
END;
