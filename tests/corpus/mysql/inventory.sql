-- Warehouse inventory on MariaDB: items whose availability, stock value and reorder flag are
-- generated columns (VIRTUAL when cheap, STORED when indexed), INVISIBLE bookkeeping columns the
-- application never selects, bin locations with case-sensitive codes, and stock movements
-- applied to the item by triggers.

CREATE TABLE suppliers (
    id smallint unsigned NOT NULL AUTO_INCREMENT,
    name varchar(200) NOT NULL,
    contact_email varchar(254) DEFAULT NULL,
    lead_time_days tinyint unsigned NOT NULL DEFAULT 7,
    rating tinyint DEFAULT NULL COMMENT '-5 (avoid) to 5 (preferred)',
    PRIMARY KEY (id),
    CONSTRAINT suppliers_rating_range CHECK (rating BETWEEN -5 AND 5)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE items (
    id int unsigned NOT NULL AUTO_INCREMENT,
    sku varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'Compared byte-wise: AB-1 and ab-1 differ',
    name varchar(255) NOT NULL,
    supplier_id smallint unsigned DEFAULT NULL,
    unit varchar(8) NOT NULL DEFAULT 'each',
    unit_cost decimal(10,4) unsigned NOT NULL DEFAULT 0.0000,
    unit_weight_kg float unsigned DEFAULT NULL,
    on_hand int NOT NULL DEFAULT 0,
    reserved int NOT NULL DEFAULT 0,
    reorder_point mediumint unsigned NOT NULL DEFAULT 0,
    available int AS (on_hand - reserved) VIRTUAL,
    stock_value decimal(14,4) AS (on_hand * unit_cost) VIRTUAL,
    needs_reorder tinyint(1) AS (on_hand - reserved <= reorder_point) STORED,
    row_version bigint unsigned NOT NULL DEFAULT 0 INVISIBLE,
    created_at timestamp NOT NULL DEFAULT current_timestamp() INVISIBLE,
    last_counted_at datetime DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY items_sku_key (sku),
    KEY items_reorder_idx (needs_reorder, supplier_id),
    KEY items_count_due_idx (last_counted_at),
    CONSTRAINT items_supplier_fk FOREIGN KEY (supplier_id) REFERENCES suppliers (id) ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT items_stock_nonnegative CHECK (on_hand >= 0 AND reserved >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=1000;

CREATE TABLE bins (
    code varchar(12) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    zone char(1) NOT NULL,
    aisle tinyint unsigned NOT NULL,
    level tinyint unsigned NOT NULL,
    capacity int unsigned NOT NULL,
    PRIMARY KEY (code),
    UNIQUE KEY bins_location_key (zone, aisle, level)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE bin_stock (
    bin_code varchar(12) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    item_id int unsigned NOT NULL,
    quantity int unsigned NOT NULL DEFAULT 0,
    PRIMARY KEY (bin_code, item_id),
    KEY bin_stock_item_idx (item_id),
    CONSTRAINT bin_stock_bin_fk FOREIGN KEY (bin_code) REFERENCES bins (code) ON UPDATE CASCADE,
    CONSTRAINT bin_stock_item_fk FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE stock_movements (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    item_id int unsigned NOT NULL,
    bin_code varchar(12) CHARACTER SET ascii COLLATE ascii_bin DEFAULT NULL,
    quantity int NOT NULL,
    reason enum('receipt','pick','adjustment','return','transfer') NOT NULL,
    document_number varchar(20) DEFAULT NULL,
    moved_at datetime(3) NOT NULL DEFAULT current_timestamp(3),
    moved_by varchar(100) NOT NULL DEFAULT (current_user()),
    PRIMARY KEY (id),
    KEY stock_movements_item_idx (item_id, moved_at DESC),
    KEY stock_movements_bin_idx (bin_code),
    CONSTRAINT stock_movements_item_fk FOREIGN KEY (item_id) REFERENCES items (id),
    CONSTRAINT stock_movements_bin_fk FOREIGN KEY (bin_code) REFERENCES bins (code),
    CONSTRAINT stock_movements_quantity_nonzero CHECK (quantity <> 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
FOR EACH ROW UPDATE items SET on_hand = on_hand + NEW.quantity WHERE id = NEW.item_id;

CREATE TRIGGER items_bump_version BEFORE UPDATE ON items
FOR EACH ROW SET NEW.row_version = OLD.row_version + 1;

CREATE PROCEDURE record_count(IN p_item int unsigned, IN p_counted int)
    MODIFIES SQL DATA
    COMMENT 'Books the difference between a stock count and the system quantity'
INSERT INTO stock_movements (item_id, quantity, reason)
SELECT id, p_counted - on_hand, 'adjustment' FROM items WHERE id = p_item AND on_hand <> p_counted;

CREATE VIEW reorder_report AS
SELECT i.sku, i.name, i.available, i.reorder_point, s.name AS supplier, s.lead_time_days
FROM items i
LEFT JOIN suppliers s ON s.id = i.supplier_id
WHERE i.needs_reorder = 1;
