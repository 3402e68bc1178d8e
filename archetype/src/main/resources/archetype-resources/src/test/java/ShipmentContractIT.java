package ${package};

import dev.tether.testing.SqsHandlerContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Every promise Tether makes for an SQS handler, checked on ShipmentHandler against a real server: duplicates apply
 * once, a reused event id is reported, dozens of malformed bodies are each reported alone, an unknown type is
 * reported, a killed connection loses nothing, a FIFO group is held back, and target/${artifactId}.jar serves in a JVM
 * of its own. Add a sample here for every message type you add.
 */
class ShipmentContractIT extends SqsHandlerContract {

    static final String DISPATCHED = "{\"eventId\":\"4f6c2a10-8d1e-4b7a-9c3f-2e5d7a9b1c01\",\"type\":\"ShipmentDispatched\","
            + "\"occurredAt\":\"2026-12-01T08:00:00Z\",\"data\":{\"shipmentId\":\"shp-1\",\"carrierId\":\"dhl\","
            + "\"dispatchedAt\":\"2026-12-01T08:00:00Z\",\"promisedBy\":\"2026-12-03T18:00:00+01:00\","
            + "\"trackingUrl\":\"https://track.example/shp-1\"}}";

    static final String DELIVERED = "{\"eventId\":\"4f6c2a10-8d1e-4b7a-9c3f-2e5d7a9b1c02\",\"type\":\"ShipmentDelivered\","
            + "\"occurredAt\":\"2026-12-02T15:30:00Z\",\"data\":{\"shipmentId\":\"shp-1\","
            + "\"deliveredAt\":\"2026-12-02T15:29:12.345Z\"}}";

    @Override
    protected Class<?> handlerClass() {
        return ShipmentHandler.class;
    }

    @Override
    protected List<String> samples() {
        return List.of(DISPATCHED, DELIVERED);
    }

    @Override
    protected Optional<Path> shadedJar() {
        return Optional.of(Path.of("target", "${artifactId}.jar"));
    }
}
