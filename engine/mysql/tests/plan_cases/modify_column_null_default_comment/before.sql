CREATE TABLE users (
  id int NOT NULL,
  nick varchar(20) NULL,
  status varchar(10) NOT NULL DEFAULT 'new',
  note varchar(20) NULL COMMENT 'old comment',
  flag tinyint NOT NULL,
  PRIMARY KEY (id)
);
