-- A personal-finance ledger in SQLite using double-entry bookkeeping: accounts, journal entries
-- and postings in integer minor units. Foreign keys between entries and postings are DEFERRABLE
-- INITIALLY DEFERRED so an entry and its postings can be written in any order in one
-- transaction; CHECK constraints guard every amount.

CREATE TABLE currencies (
    code char(3) PRIMARY KEY CHECK (code GLOB '[A-Z][A-Z][A-Z]'),
    name varchar(60) NOT NULL,
    minor_units integer NOT NULL DEFAULT 2 CHECK (minor_units BETWEEN 0 AND 4)
) WITHOUT ROWID;

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    code varchar(20) NOT NULL UNIQUE,
    name varchar(200) NOT NULL,
    kind varchar(10) NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expense')),
    currency char(3) NOT NULL DEFAULT 'EUR' REFERENCES currencies (code) ON UPDATE CASCADE,
    parent_id integer REFERENCES accounts (id) ON DELETE RESTRICT,
    opened_on date NOT NULL DEFAULT CURRENT_DATE,
    closed_on date,
    CONSTRAINT accounts_closed_after_opened CHECK (closed_on IS NULL OR closed_on >= opened_on),
    CONSTRAINT accounts_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE TABLE journal_entries (
    id INTEGER PRIMARY KEY,
    reference varchar(40) NOT NULL UNIQUE,
    description text NOT NULL,
    booked_on date NOT NULL,
    posted_at datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    reversal_of integer UNIQUE
        CONSTRAINT journal_entries_reversal_fk REFERENCES journal_entries (id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    entry_id integer NOT NULL,
    account_id integer NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
    memo text,
    side char(1) GENERATED ALWAYS AS (CASE WHEN amount_minor > 0 THEN 'D' ELSE 'C' END) VIRTUAL,
    CONSTRAINT postings_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entries (id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT postings_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id)
        ON DELETE RESTRICT ON UPDATE RESTRICT
);
CREATE INDEX postings_entry_idx ON postings (entry_id);
CREATE INDEX postings_account_idx ON postings (account_id, entry_id);

CREATE TABLE exchange_rates (
    base char(3) NOT NULL REFERENCES currencies (code),
    quote char(3) NOT NULL REFERENCES currencies (code),
    valid_on date NOT NULL,
    rate decimal(18,8) NOT NULL CHECK (rate > 0),
    PRIMARY KEY (base, quote, valid_on),
    CHECK (base <> quote)
) WITHOUT ROWID;

-- Postings are immutable once written; corrections are reversing entries.
CREATE TRIGGER postings_immutable
BEFORE UPDATE OF amount_minor, account_id, entry_id ON postings
BEGIN
    SELECT RAISE(ABORT, 'postings are immutable; book a reversal instead');
END;

CREATE TRIGGER accounts_close_check
BEFORE UPDATE OF closed_on ON accounts
FOR EACH ROW WHEN NEW.closed_on IS NOT NULL
    AND (SELECT coalesce(sum(amount_minor), 0) FROM postings WHERE account_id = NEW.id) <> 0
BEGIN
    SELECT RAISE(ABORT, 'an account with a non-zero balance cannot be closed');
END;

CREATE VIEW unbalanced_entries AS
SELECT e.id, e.reference, sum(p.amount_minor) AS imbalance
FROM journal_entries e
JOIN postings p ON p.entry_id = e.id
GROUP BY e.id, e.reference
HAVING sum(p.amount_minor) <> 0;

CREATE VIEW trial_balance AS
SELECT a.code, a.name, a.kind, a.currency, sum(p.amount_minor) AS balance_minor
FROM accounts a
JOIN postings p ON p.account_id = a.id
GROUP BY a.id;
