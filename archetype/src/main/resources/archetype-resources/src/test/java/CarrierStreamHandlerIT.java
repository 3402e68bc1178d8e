package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.testing.Sql;
import dev.tether.testing.StreamRecords;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Carriers stream replicated into the carriers table, replays and all, through Lambda's own serializer. */
class CarrierStreamHandlerIT {

    @Test
    void changesLandAndAReplayedBatchMovesNothingBackwards() {
        Database database = TestDatabase.empty("carriers_it");
        try (CarrierStreamHandler handler = new CarrierStreamHandler(database.config())) {
            DynamodbEvent first = StreamRecords.event("Carriers", List.of(
                    StreamRecords.insert(100, Map.of("carrierId", "dhl"),
                            Map.of("carrierId", "dhl", "name", "DHL", "serviceLevel", "express")),
                    StreamRecords.insert(101, Map.of("carrierId", "ups"), Map.of("carrierId", "ups", "name", "UPS")),
                    StreamRecords.modify(102, Map.of("carrierId", "dhl"),
                            Map.of("carrierId", "dhl", "name", "DHL Express", "serviceLevel", "next-day")),
                    StreamRecords.remove(103, Map.of("carrierId", "ups"))));

            StreamsEventResponse response = handler.handleRequest(first, context());
            StreamsEventResponse replay = handler.handleRequest(
                    StreamRecords.event("Carriers", List.of(StreamRecords.insert(100, Map.of("carrierId", "dhl"),
                            Map.of("carrierId", "dhl", "name", "DHL", "serviceLevel", "express")))),
                    context());

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(replay.getBatchItemFailures()).isEmpty();
            assertThat(Sql.rows(database, "SELECT carrier_id, name, service_level, deleted FROM carriers"
                            + " ORDER BY carrier_id"))
                    .containsExactly("dhl|DHL Express|next-day|0", "ups|null|null|1");
        }
    }

    private static InvocationContext context() {
        return new InvocationContext("carriers", 60_000);
    }
}
