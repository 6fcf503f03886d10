INSERT INTO prices (sku, region, amount) VALUES ('A', 'eu', 1), ('B', 'us', 2);
