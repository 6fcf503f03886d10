-- Partitioned and system-versioned tables.
CREATE TABLE measurements (
  id bigint NOT NULL,
  taken_on date NOT NULL,
  value double,
  PRIMARY KEY (id, taken_on)
) PARTITION BY RANGE (year(taken_on)) (
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION p2024 VALUES LESS THAN (2025),
  PARTITION pmax VALUES LESS THAN MAXVALUE
);

CREATE TABLE regions (
  id int NOT NULL,
  code char(2) NOT NULL,
  PRIMARY KEY (id, code)
) PARTITION BY LIST COLUMNS (code) (
  PARTITION eu VALUES IN ('DE', 'FR'),
  PARTITION us VALUES IN ('US')
);

CREATE TABLE buckets (
  id int NOT NULL PRIMARY KEY
) PARTITION BY HASH (id) PARTITIONS 4;

CREATE TABLE keyed (
  id int NOT NULL PRIMARY KEY
) PARTITION BY KEY (id) PARTITIONS 2;

CREATE TABLE prices (
  id int NOT NULL PRIMARY KEY,
  amount decimal(10,2) NOT NULL
) WITH SYSTEM VERSIONING;
