package dev.tether.processor.handler;

import static dev.tether.processor.testing.StreamEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.TtlDeletes;
import dev.tether.lambda.config.StreamSettings;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.processor.testing.StreamEvents;
import dev.tether.testing.Sql;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CustomerStreamHandler} serves two DynamoDB streams, {@code Customers} and {@code CustomerAddresses}
 * (partition key {@code customerId}, sort key {@code addressId}), routed by the table in each record's
 * eventSourceARN, with no configuration.
 */
class CustomerAddressesStreamIT {

    private Database database;

    @BeforeEach
    void freshDatabase() {
        database = TestDatabase.fresh("tether_it_addresses");
    }

    @Test
    void oneHandlerInstanceReplicatesBothTablesFromOneBatch() {
        try (CustomerStreamHandler handler = new CustomerStreamHandler(database.config())) {
            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    100,
                                    "Customers",
                                    customerKey("cus-1"),
                                    "{\"customerId\":{\"S\":\"cus-1\"},\"name\":{\"S\":\"Ada\"}}",
                                    false),
                            record(
                                    "INSERT",
                                    101,
                                    "CustomerAddresses",
                                    addressKey("cus-1", "home"),
                                    address("cus-1", "home", "1 Main St", true),
                                    false),
                            record(
                                    "INSERT",
                                    102,
                                    "CustomerAddresses",
                                    addressKey("cus-1", "work"),
                                    address("cus-1", "work", "9 Dock Rd", false),
                                    false),
                            record(
                                    "MODIFY",
                                    103,
                                    "CustomerAddresses",
                                    addressKey("cus-1", "home"),
                                    address("cus-1", "home", "2 Main St", true),
                                    false),
                            record(
                                    "MODIFY",
                                    104,
                                    "Customers",
                                    customerKey("cus-1"),
                                    "{\"customerId\":{\"S\":\"cus-1\"},\"name\":{\"S\":\"Ada L.\"}}",
                                    false)));

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(Sql.rows(database, "SELECT CONCAT(customer_id, '|', name, '|', stream_sequence) FROM customers"))
                    .containsExactly("cus-1|Ada L.|104");
            assertThat(addresses())
                    .containsExactly(
                            "cus-1|home|2 Main St|Amsterdam|1011AB|NL|1|103|0",
                            "cus-1|work|9 Dock Rd|Amsterdam|1011AB|NL|0|102|0");
        }
    }

    @Test
    void aRecordOfATableWithoutARouteIsTheCheckpointAndNothingAfterItIsWritten() {
        try (CustomerStreamHandler handler = new CustomerStreamHandler(database.config())) {
            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    200,
                                    "CustomerAddresses",
                                    addressKey("cus-2", "home"),
                                    address("cus-2", "home", "1 Main St", true),
                                    false),
                            record(
                                    "INSERT",
                                    201,
                                    "Invoices",
                                    "{\"invoiceId\":{\"S\":\"inv-1\"}}",
                                    "{\"invoiceId\":{\"S\":\"inv-1\"},\"customerId\":{\"S\":\"cus-2\"}}",
                                    false),
                            record(
                                    "INSERT",
                                    202,
                                    "CustomerAddresses",
                                    addressKey("cus-2", "work"),
                                    address("cus-2", "work", "9 Dock Rd", false),
                                    false)));

            assertThat(response.getBatchItemFailures())
                    .extracting(BatchItemFailure::getItemIdentifier)
                    .containsExactly("201");
            assertThat(addresses()).containsExactly("cus-2|home|1 Main St|Amsterdam|1011AB|NL|1|200|0");
            assertThat(Sql.number(database, "SELECT COUNT(*) FROM customers")).isZero();
        }
    }

    @Test
    void aRecordWithoutAnEventSourceArnGoesToTheFirstRouteAsEveryRecordDidBeforeRouting() {
        try (CustomerStreamHandler handler = new CustomerStreamHandler(database.config())) {
            String withArn = record(
                    "INSERT",
                    250,
                    "Customers",
                    customerKey("cus-n"),
                    "{\"customerId\":{\"S\":\"cus-n\"},\"name\":{\"S\":\"Nameless\"}}",
                    false);
            String withoutArn = withArn.substring(0, withArn.indexOf(",\"eventSourceARN\"")) + "}";

            StreamsEventResponse response = invoke(handler, List.of(withoutArn));

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(Sql.rows(database, "SELECT name FROM customers")).containsExactly("Nameless");
        }
    }

    @Test
    void configuredRoutesServeAStagesTableNamesWithTheCodesMappings() {
        TetherConfig config = database.config()
                .withStream(new StreamSettings(
                        null,
                        Map.of(),
                        Map.of("Customers-prod", "customers", "CustomerAddresses-prod", "customer_addresses"),
                        Map.of()));
        try (CustomerStreamHandler handler = new CustomerStreamHandler(config)) {
            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    600,
                                    "Customers-prod",
                                    customerKey("cus-6"),
                                    "{\"customerId\":{\"S\":\"cus-6\"},\"name\":{\"S\":\"Staged\"}}",
                                    false),
                            record(
                                    "INSERT",
                                    601,
                                    "CustomerAddresses-prod",
                                    addressKey("cus-6", "home"),
                                    address("cus-6", "home", "6 Stage St", true),
                                    false),
                            record(
                                    "INSERT",
                                    602,
                                    "CustomerAddresses",
                                    addressKey("cus-6", "work"),
                                    address("cus-6", "work", "7 Stage St", false),
                                    false)));

            assertThat(response.getBatchItemFailures())
                    .extracting(BatchItemFailure::getItemIdentifier)
                    .as("the bare table name is no longer this deployment's")
                    .containsExactly("602");
            assertThat(Sql.rows(database, "SELECT name FROM customers")).containsExactly("Staged");
            assertThat(addresses()).containsExactly("cus-6|home|6 Stage St|Amsterdam|1011AB|NL|1|601|0");
        }
    }

    @Test
    void aTimeToLiveDeleteLeavesATombstoneByDefaultThatAnOlderReplayCannotUndo() {
        try (CustomerStreamHandler handler = new CustomerStreamHandler(database.config())) {
            String image = address("cus-3", "home", "1 Main St", true);
            invoke(
                    handler,
                    List.of(record("INSERT", 300, "CustomerAddresses", addressKey("cus-3", "home"), image, false)));

            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record("REMOVE", 301, "CustomerAddresses", addressKey("cus-3", "home"), null, true),
                            record("INSERT", 300, "CustomerAddresses", addressKey("cus-3", "home"), image, false)));

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(addresses()).containsExactly("cus-3|home|null|null|null|null|null|301|1");
        }
    }

    @Test
    void aTableConfiguredToKeepRowsIgnoresTimeToLiveDeletesButNotOtherRemoves() {
        TetherConfig config = database.config()
                .withStream(
                        new StreamSettings(null, Map.of(), Map.of(), Map.of("CustomerAddresses", TtlDeletes.KEEP_ROW)));
        try (CustomerStreamHandler handler = new CustomerStreamHandler(config)) {
            invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    400,
                                    "CustomerAddresses",
                                    addressKey("cus-4", "home"),
                                    address("cus-4", "home", "1 Main St", true),
                                    false),
                            record(
                                    "INSERT",
                                    401,
                                    "CustomerAddresses",
                                    addressKey("cus-4", "work"),
                                    address("cus-4", "work", "9 Dock Rd", false),
                                    false)));

            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record("REMOVE", 402, "CustomerAddresses", addressKey("cus-4", "home"), null, true),
                            record("REMOVE", 403, "CustomerAddresses", addressKey("cus-4", "work"), null, false)));

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(addresses())
                    .containsExactly(
                            "cus-4|home|1 Main St|Amsterdam|1011AB|NL|1|400|0",
                            "cus-4|work|null|null|null|null|null|403|1");
        }
    }

    @Test
    void aRemoveWithoutItsSortKeyIsTheCheckpoint() {
        try (CustomerStreamHandler handler = new CustomerStreamHandler(database.config())) {
            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    500,
                                    "CustomerAddresses",
                                    addressKey("cus-5", "home"),
                                    address("cus-5", "home", "1 Main St", true),
                                    false),
                            record("REMOVE", 501, "CustomerAddresses", customerKey("cus-5"), null, false)));

            assertThat(response.getBatchItemFailures())
                    .extracting(BatchItemFailure::getItemIdentifier)
                    .containsExactly("501");
            assertThat(addresses()).containsExactly("cus-5|home|1 Main St|Amsterdam|1011AB|NL|1|500|0");
        }
    }

    private List<String> addresses() {
        return Sql.rows(
                database,
                "SELECT CONCAT_WS('|', customer_id, address_id, IFNULL(line1, 'null'),"
                        + " IFNULL(city, 'null'), IFNULL(postcode, 'null'), IFNULL(country, 'null'),"
                        + " IFNULL(is_default, 'null'), stream_sequence, deleted) FROM customer_addresses"
                        + " ORDER BY customer_id, address_id");
    }

    private static StreamsEventResponse invoke(CustomerStreamHandler handler, List<String> records) {
        return handler.handleRequest(StreamEvents.eventOf(records), new InvocationContext("tether-stream", 60_000));
    }

    private static String customerKey(String customerId) {
        return "{\"customerId\":{\"S\":\"" + customerId + "\"}}";
    }

    private static String addressKey(String customerId, String addressId) {
        return "{\"customerId\":{\"S\":\"" + customerId + "\"},\"addressId\":{\"S\":\"" + addressId + "\"}}";
    }

    private static String address(String customerId, String addressId, String line1, boolean isDefault) {
        return "{\"customerId\":{\"S\":\"" + customerId + "\"},\"addressId\":{\"S\":\"" + addressId + "\"},"
                + "\"line1\":{\"S\":\"" + line1 + "\"},\"city\":{\"S\":\"Amsterdam\"},\"postcode\":{\"S\":\"1011AB\"},"
                + "\"country\":{\"S\":\"NL\"},\"isDefault\":{\"BOOL\":" + isDefault + "}}";
    }
}
