package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the shipments table holds after the handler's events: times in UTC, the optional link, either order. */
class ShipmentHandlerIT {

    @Test
    void aDeliveryBeforeItsDispatchAndADispatchWithoutTrackingLinkBothLand() {
        Database database = TestDatabase.empty("shipments_it");
        try (ShipmentHandler handler = new ShipmentHandler(database.config())) {
            Message delivered = Message.of(body("ShipmentDelivered",
                    "{\"shipmentId\":\"shp-7\",\"deliveredAt\":\"2026-12-02T15:29:12.345Z\"}"));
            Message dispatched = Message.of(body("ShipmentDispatched",
                    "{\"shipmentId\":\"shp-7\",\"carrierId\":\"ups\",\"dispatchedAt\":\"2026-12-01T09:00:00+01:00\","
                            + "\"promisedBy\":\"2026-12-03T18:00:00Z\"}"));
            Message noTime = Message.of(body("ShipmentDelivered", "{\"shipmentId\":\"shp-8\",\"deliveredAt\":1764689352}"));

            SQSBatchResponse response =
                    handler.handleRequest(SqsEvents.event(List.of(delivered, dispatched, noTime)), context());

            assertThat(response.getBatchItemFailures())
                    .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(noTime.messageId());
            assertThat(Sql.rows(database, "SELECT shipment_id, carrier_id, " + utc("dispatched_at") + ", "
                            + utc("promised_by") + ", tracking_url, " + utc("delivered_at") + " FROM shipments"))
                    .containsExactly("shp-7|ups|2026-12-01 08:00:00.000000|2026-12-03 18:00:00.000000|null"
                            + "|2026-12-02 15:29:12.345000");
        }
    }

    private static String utc(String column) {
        return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s.%f')";
    }

    private static String body(String type, String data) {
        return "{\"eventId\":\"" + java.util.UUID.randomUUID() + "\",\"type\":\"" + type
                + "\",\"occurredAt\":\"2026-12-02T15:30:00Z\",\"data\":" + data + "}";
    }

    private static InvocationContext context() {
        return new InvocationContext("shipments", 60_000);
    }
}
