-- The application's tables: Flyway applies this file (and Tether its own) at the handlers' first start, and the jOOQ
-- classes are generated from it at build time. Add V2__….sql files for changes; never edit an applied one.

-- ShipmentHandler: one row per shipment, filled by ShipmentDispatched and ShipmentDelivered in whichever order they
-- arrive. Times are UTC.
CREATE TABLE shipments (
    shipment_id    VARCHAR(64)   NOT NULL,
    carrier_id     VARCHAR(64),
    dispatched_at  DATETIME(6),
    promised_by    DATETIME(6),
    tracking_url   VARCHAR(2048),
    delivered_at   DATETIME(6),
    CONSTRAINT pk_shipments PRIMARY KEY (shipment_id)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;

-- CarrierStreamHandler: a replica of the DynamoDB table Carriers (key carrierId). Tether needs the key, a
-- stream_sequence DECIMAL(40,0) NOT NULL and a deleted BOOLEAN NOT NULL; every other column is nullable and filled
-- from the item attribute of the same name in camelCase (service_level <- serviceLevel).
CREATE TABLE carriers (
    carrier_id       VARCHAR(64)    NOT NULL,
    name             VARCHAR(256),
    service_level    VARCHAR(32),
    stream_sequence  DECIMAL(40, 0) NOT NULL,
    deleted          BOOLEAN        NOT NULL,
    CONSTRAINT pk_carriers PRIMARY KEY (carrier_id)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
