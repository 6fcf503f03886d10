-- An organisation chart for an HR system on MariaDB: employees report to employees (a
-- self-reference), departments have a head who is an employee while every employee belongs to a
-- department (a foreign-key cycle, closed with ALTER TABLE once both tables exist), and a view
-- with a recursive CTE walks the management chain.

CREATE TABLE departments (
    id smallint unsigned NOT NULL AUTO_INCREMENT,
    name varchar(100) NOT NULL,
    cost_center char(6) NOT NULL,
    parent_id smallint unsigned DEFAULT NULL,
    head_employee_id int unsigned DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY departments_cost_center_key (cost_center),
    KEY departments_parent_idx (parent_id),
    KEY departments_head_idx (head_employee_id),
    CONSTRAINT departments_parent_fk FOREIGN KEY (parent_id) REFERENCES departments (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE employees (
    id int unsigned NOT NULL AUTO_INCREMENT,
    employee_number varchar(10) NOT NULL,
    given_name varchar(100) NOT NULL,
    family_name varchar(100) NOT NULL,
    email varchar(254) NOT NULL,
    department_id smallint unsigned NOT NULL,
    manager_id int unsigned DEFAULT NULL,
    job_title varchar(100) NOT NULL,
    hired_on date NOT NULL,
    left_on date DEFAULT NULL,
    salary decimal(10,2) DEFAULT NULL COMMENT 'Yearly gross salary in the payroll currency',
    work_hours_per_week decimal(4,1) NOT NULL DEFAULT 40.0,
    PRIMARY KEY (id),
    UNIQUE KEY employees_employee_number_key (employee_number),
    UNIQUE KEY employees_email_key (email),
    KEY employees_manager_idx (manager_id),
    KEY employees_department_idx (department_id),
    KEY employees_name_idx (family_name, given_name),
    CONSTRAINT employees_manager_fk FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL,
    CONSTRAINT employees_hours_range CHECK (work_hours_per_week BETWEEN 0 AND 60),
    CONSTRAINT employees_dates CHECK (left_on IS NULL OR left_on > hired_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Current and former staff';

-- The cycle: each table references the other, so one side is added after both exist.
ALTER TABLE employees
    ADD CONSTRAINT employees_department_fk FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE RESTRICT;
ALTER TABLE departments
    ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_employee_id) REFERENCES employees (id) ON DELETE SET NULL;

CREATE TABLE positions (
    id int unsigned NOT NULL AUTO_INCREMENT,
    department_id smallint unsigned NOT NULL,
    title varchar(100) NOT NULL,
    filled_by int unsigned DEFAULT NULL,
    opened_on date NOT NULL DEFAULT (curdate()),
    PRIMARY KEY (id),
    UNIQUE KEY positions_filled_by_key (filled_by),
    KEY positions_department_idx (department_id),
    CONSTRAINT positions_department_fk FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE CASCADE,
    CONSTRAINT positions_filled_by_fk FOREIGN KEY (filled_by) REFERENCES employees (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

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
SELECT e.id, concat(e.given_name, ' ', e.family_name), e.email, d.name, concat(m.given_name, ' ', m.family_name)
FROM employees e
JOIN departments d ON d.id = e.department_id
LEFT JOIN employees m ON m.id = e.manager_id
WHERE e.left_on IS NULL;

CREATE FUNCTION reports_count(p_manager int unsigned) RETURNS int unsigned
    READS SQL DATA
RETURN (SELECT count(*) FROM management_chain WHERE manager_id = p_manager);

CREATE TRIGGER employees_left_release_position AFTER UPDATE ON employees
FOR EACH ROW UPDATE positions SET filled_by = NULL WHERE filled_by = NEW.id AND NEW.left_on IS NOT NULL;
