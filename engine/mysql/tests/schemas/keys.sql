-- Keys and indexes: composite and prefix keys, descending and hash indexes, named and
-- unnamed checks, foreign keys that form a cycle, a self reference, and another engine.
CREATE TABLE departments (
  id int NOT NULL PRIMARY KEY,
  name varchar(100) NOT NULL,
  manager_id int NULL,
  UNIQUE KEY uq_departments_name (name(20)) COMMENT 'names are unique in their first 20 characters'
);

CREATE TABLE employees (
  id int NOT NULL PRIMARY KEY,
  department_id int NOT NULL,
  mentor_id int NULL,
  first_name varchar(50) NOT NULL,
  last_name varchar(50) NOT NULL,
  salary decimal(10,2) NOT NULL CHECK (salary > 0),
  bonus decimal(10,2) NOT NULL DEFAULT 0,
  UNIQUE KEY uq_employees_name (last_name, first_name),
  KEY idx_employees_salary (salary DESC),
  CONSTRAINT chk_bonus CHECK (bonus <= salary),
  CHECK (first_name <> last_name),
  FOREIGN KEY (department_id) REFERENCES departments (id),
  CONSTRAINT fk_employees_mentor FOREIGN KEY (mentor_id) REFERENCES employees (id) ON DELETE SET NULL
);

ALTER TABLE departments ADD CONSTRAINT fk_departments_manager FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL;

CREATE TABLE lookup_cache (
  k varchar(64) NOT NULL,
  v varchar(255),
  PRIMARY KEY (k),
  KEY idx_cache_v (v) USING HASH
) ENGINE=MEMORY;

CREATE TABLE audit_log (
  id bigint NOT NULL AUTO_INCREMENT,
  happened_at datetime NOT NULL,
  message text,
  PRIMARY KEY (id, happened_at),
  FULLTEXT KEY ft_audit_message (message)
) ENGINE=MyISAM ROW_FORMAT=DYNAMIC;
