-- Stock per SKU and warehouse, moved by InventoryAdjusted events: quantity += delta, a row created at 0.
-- utf8mb4_bin: SKUs and warehouses are compared byte for byte ('sku-1' and 'SKU-1' are two SKUs).

CREATE TABLE IF NOT EXISTS inventory (
    sku        VARCHAR(64) NOT NULL,
    warehouse  VARCHAR(64) NOT NULL,
    quantity   BIGINT      NOT NULL,
    CONSTRAINT pk_inventory PRIMARY KEY (sku, warehouse)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
