CREATE TABLE prices (
  sku TEXT NOT NULL,
  region TEXT NOT NULL,
  amount NUMERIC,
  PRIMARY KEY (sku, region)
);
