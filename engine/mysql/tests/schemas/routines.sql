-- Stored routines, triggers and events.
CREATE TABLE ledger (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  amount decimal(12,2) NOT NULL,
  balance decimal(12,2) NOT NULL DEFAULT 0,
  touched int NOT NULL DEFAULT 0
);

CREATE FUNCTION with_tax(amount decimal(12,2), rate decimal(5,4)) RETURNS decimal(12,2)
  DETERMINISTIC COMMENT 'adds tax'
  RETURN amount * (1 + rate);

CREATE FUNCTION ledger_total() RETURNS decimal(14,2) READS SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE total decimal(14,2);
  SELECT coalesce(sum(amount), 0) INTO total FROM ledger;
  RETURN total;
END;

CREATE PROCEDURE add_entry(IN p_amount decimal(12,2), OUT p_id int)
  MODIFIES SQL DATA
BEGIN
  INSERT INTO ledger (amount) VALUES (p_amount);
  SET p_id = last_insert_id();
END;

CREATE PROCEDURE noop() BEGIN END;

CREATE TRIGGER ledger_balance BEFORE INSERT ON ledger FOR EACH ROW
  SET NEW.balance = NEW.amount;

CREATE TRIGGER ledger_touch BEFORE UPDATE ON ledger FOR EACH ROW
  SET NEW.touched = OLD.touched + 1;

CREATE TRIGGER ledger_touch_again BEFORE UPDATE ON ledger FOR EACH ROW FOLLOWS ledger_touch
  SET NEW.touched = NEW.touched + 1;

CREATE EVENT purge_zero ON SCHEDULE EVERY 1 DAY DISABLE COMMENT 'nightly' DO
  DELETE FROM ledger WHERE amount = 0;
