-- Trigger families: every timing and event, UPDATE OF columns, WHEN clauses, a trigger without
-- an explicit timing, and an INSTEAD OF trigger on a view.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  balance INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT
);

CREATE TABLE ledger (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL,
  delta INTEGER NOT NULL,
  at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TRIGGER accounts_no_negative BEFORE UPDATE OF balance ON accounts
  FOR EACH ROW WHEN new.balance < 0
BEGIN
  SELECT RAISE(ABORT, 'balance cannot be negative');
END;

CREATE TRIGGER accounts_ledger AFTER UPDATE OF balance ON accounts
BEGIN
  INSERT INTO ledger (account_id, delta) VALUES (new.id, new.balance - old.balance);
END;

CREATE TRIGGER accounts_touch AFTER UPDATE ON accounts WHEN old.updated_at IS new.updated_at
BEGIN
  UPDATE accounts SET updated_at = CURRENT_TIMESTAMP WHERE id = new.id;
END;

CREATE TRIGGER accounts_cleanup AFTER DELETE ON accounts
BEGIN
  DELETE FROM ledger WHERE account_id = old.id;
END;

CREATE TRIGGER ledger_default_timing INSERT ON ledger
BEGIN
  SELECT CASE WHEN new.delta = 0 THEN RAISE(IGNORE) END;
END;

CREATE VIEW account_summaries AS SELECT id, owner, balance FROM accounts;

CREATE TRIGGER account_summaries_insert INSTEAD OF INSERT ON account_summaries
BEGIN
  INSERT INTO accounts (owner, balance) VALUES (new.owner, coalesce(new.balance, 0));
END;
