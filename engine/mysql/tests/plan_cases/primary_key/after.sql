CREATE TABLE memberships (
  id int NOT NULL,
  group_id int NOT NULL,
  user_id int NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
