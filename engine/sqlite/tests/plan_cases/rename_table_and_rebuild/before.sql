CREATE TABLE clients (
  id INTEGER NOT NULL PRIMARY KEY,
  label VARCHAR(30),
  city TEXT
);
CREATE INDEX clients_city ON clients (city);
