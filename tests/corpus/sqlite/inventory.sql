-- Stockroom inventory for a point-of-sale app in SQLite: items whose availability, stock value
-- and reorder flag are generated columns, bins with case-insensitive codes, stock movements
-- applied by triggers, and a count sheet view the staff work through.

CREATE TABLE suppliers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name varchar(200) NOT NULL,
    contact_email varchar(254),
    lead_time_days integer NOT NULL DEFAULT 7 CHECK (lead_time_days >= 0)
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku varchar(40) NOT NULL,
    barcode varchar(14),
    name varchar(255) NOT NULL,
    supplier_id integer REFERENCES suppliers (id) ON DELETE SET NULL,
    unit varchar(8) NOT NULL DEFAULT 'each',
    unit_cost decimal(10,4) NOT NULL DEFAULT 0,
    on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    reorder_point integer NOT NULL DEFAULT 0,
    available integer GENERATED ALWAYS AS (on_hand - reserved) VIRTUAL,
    stock_value numeric GENERATED ALWAYS AS (on_hand * unit_cost) VIRTUAL,
    needs_reorder boolean GENERATED ALWAYS AS (on_hand - reserved <= reorder_point) STORED,
    last_counted_at datetime,
    CONSTRAINT items_sku_key UNIQUE (sku),
    CONSTRAINT items_barcode_digits CHECK (barcode IS NULL OR barcode NOT GLOB '*[^0-9]*')
);
CREATE UNIQUE INDEX items_barcode_key ON items (barcode) WHERE barcode IS NOT NULL;
CREATE INDEX items_reorder_idx ON items (supplier_id) WHERE needs_reorder;
CREATE INDEX items_count_due_idx ON items (last_counted_at ASC, sku);
CREATE INDEX items_upper_name_idx ON items (upper(name));

CREATE TABLE bins (
    code varchar(12) NOT NULL PRIMARY KEY COLLATE NOCASE,
    zone char(1) NOT NULL,
    aisle integer NOT NULL,
    level integer NOT NULL,
    capacity integer NOT NULL CHECK (capacity > 0),
    UNIQUE (zone, aisle, level)
) WITHOUT ROWID;

CREATE TABLE bin_stock (
    bin_code varchar(12) NOT NULL REFERENCES bins (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    item_id integer NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    quantity integer NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    PRIMARY KEY (bin_code, item_id)
) WITHOUT ROWID;

CREATE TABLE stock_movements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id integer NOT NULL REFERENCES items (id) ON DELETE RESTRICT,
    bin_code varchar(12) REFERENCES bins (code) ON UPDATE CASCADE,
    quantity integer NOT NULL CHECK (quantity <> 0),
    reason varchar(12) NOT NULL CHECK (reason IN ('receipt', 'sale', 'adjustment', 'return', 'transfer')),
    note text,
    moved_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX stock_movements_item_idx ON stock_movements (item_id, moved_at DESC);

CREATE TRIGGER stock_movements_apply
AFTER INSERT ON stock_movements
FOR EACH ROW
BEGIN
    UPDATE items SET on_hand = on_hand + NEW.quantity WHERE id = NEW.item_id;
    INSERT INTO bin_stock (bin_code, item_id, quantity)
    SELECT NEW.bin_code, NEW.item_id, NEW.quantity WHERE NEW.bin_code IS NOT NULL
    ON CONFLICT (bin_code, item_id) DO UPDATE SET quantity = quantity + excluded.quantity;
END;

CREATE TRIGGER stock_movements_no_delete
BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are never deleted; book a correcting movement');
END;

CREATE VIEW count_sheet AS
SELECT b.zone, b.aisle, b.level, b.code AS bin, i.sku, i.name, s.quantity AS expected
FROM bin_stock s
JOIN bins b ON b.code = s.bin_code
JOIN items i ON i.id = s.item_id
ORDER BY b.zone, b.aisle, b.level, i.sku;
