CREATE TABLE users (
  id int NOT NULL,
  nick varchar(20) NOT NULL,
  status varchar(10) NOT NULL DEFAULT 'active',
  note varchar(20) NULL COMMENT 'new comment',
  flag tinyint NULL,
  PRIMARY KEY (id)
);
