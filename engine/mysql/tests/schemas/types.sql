-- Every column type family, with defaults, charsets, generated and invisible columns.
CREATE TABLE numbers (
  id int NOT NULL PRIMARY KEY,
  t tinyint NOT NULL DEFAULT -1,
  tu tinyint unsigned,
  s smallint DEFAULT 7,
  m mediumint unsigned,
  b bigint unsigned NOT NULL DEFAULT 18446744073709551615,
  flag boolean DEFAULT true,
  d decimal(20,6) DEFAULT 3.141593,
  d0 decimal,
  f float,
  f2 float(10,2),
  dbl double DEFAULT 2.5,
  bits bit(8) DEFAULT b'00001111',
  y year DEFAULT 2024
);

CREATE TABLE strings (
  id int NOT NULL PRIMARY KEY,
  c char(3) NOT NULL DEFAULT 'abc',
  vc varchar(100) DEFAULT 'it''s a \\ path',
  vnull varchar(10) DEFAULT 'NULL',
  latin varchar(20) CHARACTER SET latin1,
  latin_bin varchar(20) CHARACTER SET latin1 COLLATE latin1_bin,
  bin_coll varchar(20) COLLATE utf8mb4_bin,
  tt tinytext,
  t text,
  mt mediumtext,
  lt longtext,
  bn binary(4),
  vb varbinary(64),
  tb tinyblob,
  bl blob,
  mb mediumblob,
  lb longblob,
  e enum('a','b''c','D') DEFAULT 'b''c',
  st set('x','y','z') DEFAULT 'x,z',
  doc json,
  hidden int INVISIBLE DEFAULT 5,
  upper_vc varchar(100) AS (upper(vc)) VIRTUAL,
  len int AS (char_length(vc)) STORED COMMENT 'stored length'
);

CREATE TABLE times (
  id int NOT NULL PRIMARY KEY,
  d date DEFAULT '2020-01-01',
  dt datetime,
  dt6 datetime(6) DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),
  ts timestamp NULL,
  ts3 timestamp(3) NULL DEFAULT NULL,
  tm time(2) DEFAULT '12:30:00.00'
);

CREATE TABLE special (
  id uuid NOT NULL DEFAULT uuid() PRIMARY KEY,
  v4 inet4,
  v6 inet6,
  g geometry,
  pt point NOT NULL,
  SPATIAL KEY sp_pt (pt)
);
