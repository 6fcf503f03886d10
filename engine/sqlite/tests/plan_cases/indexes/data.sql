INSERT INTO orders (id, customer, status, total, reference) VALUES
  (1, 'Ada', 'open', 10, 'R-1'),
  (2, 'Alan', 'closed', 20, 'R-2'),
  (3, 'Ada', 'closed', 5, NULL);
