package ${package};

import static ${package}.db.Tables.SHIPMENTS;
import static org.jooq.impl.DSL.excluded;

import dev.tether.lambda.SqsBatchHandler;
import dev.tether.lambda.SqsRoute;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.json.JsonChecks;
import dev.tether.lambda.write.RowStatement;
import java.time.Instant;
import java.util.Optional;

/** Lands shipment events from SQS in the shipments table, each exactly once, in whichever order they arrive. */
public final class ShipmentHandler extends SqsBatchHandler {

    /** A parcel left the depot; the tracking link comes later with some carriers. */
    public record ShipmentDispatched(
            String shipmentId, String carrierId, Instant dispatchedAt, Instant promisedBy, Optional<String> trackingUrl) {}

    /** The parcel arrived. */
    public record ShipmentDelivered(String shipmentId, Instant deliveredAt) {}

    /** One multi-row upsert per batch; a re-sent dispatch may bring the tracking link. */
    static final RowStatement<ShipmentDispatched> DISPATCHED = RowStatement.insertInto(SHIPMENTS, ShipmentDispatched.class)
            .value(SHIPMENTS.SHIPMENT_ID, ShipmentDispatched::shipmentId)
            .value(SHIPMENTS.CARRIER_ID, ShipmentDispatched::carrierId)
            .value(SHIPMENTS.DISPATCHED_AT, ShipmentDispatched::dispatchedAt)
            .value(SHIPMENTS.PROMISED_BY, ShipmentDispatched::promisedBy)
            .value(SHIPMENTS.TRACKING_URL, e -> e.trackingUrl().orElse(null))
            .onDuplicateKeyUpdate(SHIPMENTS.TRACKING_URL, excluded(SHIPMENTS.TRACKING_URL));

    static final RowStatement<ShipmentDelivered> DELIVERED = RowStatement.insertInto(SHIPMENTS, ShipmentDelivered.class)
            .value(SHIPMENTS.SHIPMENT_ID, ShipmentDelivered::shipmentId)
            .value(SHIPMENTS.DELIVERED_AT, ShipmentDelivered::deliveredAt)
            .onDuplicateKeyUpdate(SHIPMENTS.DELIVERED_AT, excluded(SHIPMENTS.DELIVERED_AT));

    /** The constructor Lambda calls: configured by the {@code TETHER_*} environment variables. */
    public ShipmentHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler on {@code config}: tests and local runs. */
    public ShipmentHandler(TetherConfig config) {
        super(builder().config(config).name("shipments")
                .route(SqsRoute.of("ShipmentDispatched", ShipmentDispatched.class)
                        .validate(e -> JsonChecks.id(e.shipmentId(), "data.shipmentId", 64))
                        .writer(DISPATCHED::write))
                .route(SqsRoute.of("ShipmentDelivered", ShipmentDelivered.class)
                        .validate(e -> JsonChecks.id(e.shipmentId(), "data.shipmentId", 64))
                        .writer(DELIVERED::write)));
    }
}
