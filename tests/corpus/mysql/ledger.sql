-- A double-entry banking ledger on MariaDB: a chart of accounts kept as a system-versioned
-- table (so auditors can ask what it looked like on any date), journal entries and postings with
-- CHECK constraints, and views with an explicit algorithm, security and check option.

CREATE TABLE currencies (
    code char(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name varchar(60) NOT NULL,
    minor_units tinyint unsigned NOT NULL DEFAULT 2,
    PRIMARY KEY (code),
    CONSTRAINT currencies_code_format CHECK (code REGEXP '^[A-Z]{3}$'),
    CONSTRAINT currencies_minor_units_range CHECK (minor_units <= 4)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE accounts (
    id int unsigned NOT NULL AUTO_INCREMENT,
    code varchar(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name varchar(200) NOT NULL,
    kind enum('asset','liability','equity','income','expense') NOT NULL,
    currency char(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'EUR',
    parent_id int unsigned DEFAULT NULL,
    opened_on date NOT NULL,
    closed_on date DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY accounts_code_key (code),
    KEY accounts_parent_idx (parent_id),
    CONSTRAINT accounts_currency_fk FOREIGN KEY (currency) REFERENCES currencies (code),
    CONSTRAINT accounts_parent_fk FOREIGN KEY (parent_id) REFERENCES accounts (id) ON DELETE RESTRICT,
    CONSTRAINT accounts_closed_after_opened CHECK (closed_on IS NULL OR closed_on >= opened_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Chart of accounts'
WITH SYSTEM VERSIONING;

CREATE TABLE journal_entries (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    reference varchar(40) NOT NULL,
    description varchar(500) NOT NULL,
    booked_on date NOT NULL,
    posted_at datetime(6) NOT NULL DEFAULT current_timestamp(6),
    reversal_of bigint unsigned DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY journal_entries_reference_key (reference),
    UNIQUE KEY journal_entries_reversal_of_key (reversal_of),
    CONSTRAINT journal_entries_reversal_fk FOREIGN KEY (reversal_of) REFERENCES journal_entries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE postings (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    entry_id bigint unsigned NOT NULL,
    account_id int unsigned NOT NULL,
    amount decimal(19,4) NOT NULL,
    debit_credit char(1) AS (IF(amount > 0, 'D', 'C')) VIRTUAL,
    memo varchar(255) DEFAULT NULL,
    PRIMARY KEY (id),
    KEY postings_entry_idx (entry_id),
    KEY postings_account_idx (account_id, entry_id),
    CONSTRAINT postings_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entries (id) ON DELETE CASCADE,
    CONSTRAINT postings_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
    CONSTRAINT postings_amount_nonzero CHECK (amount <> 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE exchange_rates (
    base char(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    quote char(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    valid_on date NOT NULL,
    rate decimal(18,8) unsigned NOT NULL,
    PRIMARY KEY (base, quote, valid_on),
    KEY exchange_rates_quote_idx (quote),
    CONSTRAINT exchange_rates_base_fk FOREIGN KEY (base) REFERENCES currencies (code),
    CONSTRAINT exchange_rates_quote_fk FOREIGN KEY (quote) REFERENCES currencies (code),
    CHECK (base <> quote),
    CHECK (rate > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE FUNCTION account_balance(p_account int unsigned, p_as_of date) RETURNS decimal(19,4)
    READS SQL DATA
    SQL SECURITY INVOKER
RETURN (SELECT coalesce(sum(p.amount), 0)
        FROM postings p JOIN journal_entries e ON e.id = p.entry_id
        WHERE p.account_id = p_account AND e.booked_on <= p_as_of);

CREATE PROCEDURE reverse_entry(IN p_entry bigint unsigned, IN p_reference varchar(40))
    MODIFIES SQL DATA
INSERT INTO journal_entries (reference, description, booked_on, reversal_of)
SELECT p_reference, concat('Reversal of ', reference), curdate(), id
FROM journal_entries WHERE id = p_entry;

CREATE ALGORITHM=TEMPTABLE SQL SECURITY INVOKER VIEW trial_balance AS
SELECT a.code, a.name, a.kind, sum(p.amount) AS balance
FROM accounts a
JOIN postings p ON p.account_id = a.id
GROUP BY a.code, a.name, a.kind;

CREATE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW open_accounts AS
SELECT id, code, name, kind, currency, parent_id, opened_on, closed_on
FROM accounts
WHERE closed_on IS NULL
WITH LOCAL CHECK OPTION;
