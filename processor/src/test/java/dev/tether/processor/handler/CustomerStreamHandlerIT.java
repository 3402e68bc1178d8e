package dev.tether.processor.handler;

import static dev.tether.processor.testing.StreamEvents.Rec.insert;
import static dev.tether.processor.testing.StreamEvents.Rec.modify;
import static dev.tether.processor.testing.StreamEvents.Rec.remove;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tether.lambda.InvocationContext;
import dev.tether.processor.testing.StreamEvents;
import dev.tether.processor.testing.StreamEvents.Rec;
import dev.tether.testing.Sql;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/** DynamoDB Streams → MySQL on a real MySQL-compatible server. */
class CustomerStreamHandlerIT {

    private static final String COLUMNS = "customer_id, email, name, tier, credit_limit, marketing_opt_in,"
            + " DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%f'), stream_sequence, deleted";

    private static Database database;
    private static CustomerStreamHandler handler;

    @BeforeAll
    static void start() {
        database = TestDatabase.fresh("tether_it_stream");
        handler = new CustomerStreamHandler(database.config());
    }

    @AfterAll
    static void stop() {
        handler.close();
    }

    @AfterEach
    void noTransactionIsLeftOpen() {
        assertThat(Sql.rows(
                        database,
                        "SELECT trx_id FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = "
                                + handler.link().connectionId()))
                .as("a failed batch is rolled back, not left holding locks until the next invocation")
                .isEmpty();
    }

    @BeforeEach
    void empty() {
        Sql.execute(database, "DELETE FROM customers", "DROP TRIGGER IF EXISTS customers_boom");
    }

    @ParameterizedTest
    @Event(value = "dynamodb/all-types.json", type = DynamodbEvent.class)
    void everyAttributeTypeLandsInItsColumnExactly(DynamodbEvent event) throws Exception {
        StreamsEventResponse response = handler.handleRequest(event, new InvocationContext("tether-orders", 60_000));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(Sql.rows(database, "SELECT " + COLUMNS + " FROM customers ORDER BY customer_id"))
                .containsExactly(
                        "cus-42|ada@example.com|Ada Lovelace|GOLD|12345.67|1|2026-11-26T10:15:30.123456"
                                + "|111100000000000000000000000000000000042|0",
                        "cus-43|null|null|null|0.50|0|null|111100000000000000000000000000000000043|0");
        JsonMapper json = JsonMapper.builder().build();
        List<String> documents = Sql.rows(database, "SELECT tags, address FROM customers ORDER BY customer_id");
        String[] ada = documents.get(0).split("\\|", 2);
        assertThat(json.readTree(ada[0])).isEqualTo(json.readTree("[\"early-adopter\",\"vip\"]"));
        JsonNode address = json.readTree(ada[1]);
        assertThat(address.at("/street").asText()).isEqualTo("12 St James's Square");
        assertThat(address.at("/floor").isIntegralNumber()).isTrue();
        assertThat(address.at("/lines").toString()).isEqualTo("[\"c/o Babbage\",null,false]");
        assertThat(address.at("/photo").asText()).isEqualTo("iVBORw0KGgo=");
        // Numbers keep every digit they were sent with (no detour through double).
        assertThat(ada[1]).contains("51.50735090000000000001").contains("-0.1357");
        String[] other = documents.get(1).split("\\|", 2);
        assertThat(other[0]).contains("12345678901234567890.123456789").contains("1.50");
        assertThat(json.readTree(other[1])).isEqualTo(json.readTree("[\"AAE=\",\"AgM=\"]"));
    }

    @Test
    void removeLeavesATombstoneThatAnOlderReplayCannotReviveButANewerInsertDoes() {
        invoke(
                insert(10, "cus-1", "\"name\":{\"S\":\"One\"}"),
                modify(11, "cus-1", "\"name\":{\"S\":\"Uno\"}"),
                remove(12, "cus-1"));
        assertThat(row("cus-1")).isEqualTo("cus-1|null|null|null|null|null|null|12|1");

        StreamsEventResponse replay = invoke(modify(11, "cus-1", "\"name\":{\"S\":\"Uno\"}"));
        assertThat(replay.getBatchItemFailures()).isEmpty();
        assertThat(row("cus-1")).isEqualTo("cus-1|null|null|null|null|null|null|12|1");

        invoke(insert(13, "cus-1", "\"name\":{\"S\":\"Again\"}"));
        assertThat(row("cus-1")).isEqualTo("cus-1|null|Again|null|null|null|null|13|0");
    }

    @Test
    void sequenceNumbersCompareAsFortyDigitDecimalsNotAsText() {
        invoke(
                new Rec("INSERT", "99", "cus-2", "\"name\":{\"S\":\"old\"}"),
                new Rec("MODIFY", "1000000000000000000000000000000000000000", "cus-2", "\"name\":{\"S\":\"new\"}"),
                new Rec("MODIFY", "999999999999999999999999999999999999999", "cus-2", "\"name\":{\"S\":\"between\"}"));

        assertThat(row("cus-2")).contains("|new|").endsWith("|1000000000000000000000000000000000000000|0");
    }

    @Test
    void atTheFirstRecordThatDoesNotFitEverythingBeforeCommitsAndNothingAfterIsApplied() {
        StreamsEventResponse response = invoke(
                insert(100, "cus-a", "\"creditLimit\":{\"N\":\"10\"}"),
                insert(101, "cus-b", "\"creditLimit\":{\"N\":\"20.5\"}"),
                insert(102, "cus-c", "\"creditLimit\":{\"N\":\"1.005\"}"), // three fractional digits
                insert(103, "cus-d", "\"creditLimit\":{\"N\":\"40\"}"));

        assertThat(checkpoints(response)).containsExactly("102");
        assertThat(Sql.rows(database, "SELECT customer_id FROM customers ORDER BY customer_id"))
                .containsExactly("cus-a", "cus-b");

        // Lambda resumes from the checkpoint: the record that failed, and everything after it, once more. Once
        // the record is fixed upstream (a later change of the same item), the rest follows.
        StreamsEventResponse resumed = invoke(
                insert(102, "cus-c", "\"creditLimit\":{\"N\":\"1.005\"}"),
                insert(103, "cus-d", "\"creditLimit\":{\"N\":\"40\"}"));
        assertThat(checkpoints(resumed)).containsExactly("102");
        StreamsEventResponse fixed = invoke(
                modify(104, "cus-c", "\"creditLimit\":{\"N\":\"1.01\"}"),
                insert(105, "cus-d", "\"creditLimit\":{\"N\":\"40\"}"));
        assertThat(fixed.getBatchItemFailures()).isEmpty();
        assertThat(Sql.rows(
                        database,
                        "SELECT customer_id, credit_limit, stream_sequence FROM customers" + " ORDER BY customer_id"))
                .containsExactly("cus-a|10.00|100", "cus-b|20.50|101", "cus-c|1.01|104", "cus-d|40.00|105");
    }

    @Test
    void aValueNestedDeeperThanDynamoDbAllowsIsTheCheckpointNotAnException() {
        String deep = "{\"M\":{\"a\":".repeat(40) + "{\"S\":\"x\"}" + "}}".repeat(40);
        StreamsEventResponse response =
                invoke(insert(110, "cus-e", ""), insert(111, "cus-f", "\"address\":" + deep), insert(112, "cus-g", ""));

        assertThat(checkpoints(response)).containsExactly("111");
        assertThat(Sql.rows(database, "SELECT customer_id FROM customers ORDER BY customer_id"))
                .containsExactly("cus-e");
    }

    @Test
    void aRecordWithoutASequenceNumberFailsTheWholeBatchInsteadOfBeingSkipped() {
        String json = "{\"Records\":[{\"eventID\":\"1\",\"eventName\":\"INSERT\",\"eventSource\":\"aws:dynamodb\","
                + "\"dynamodb\":{\"Keys\":{\"customerId\":{\"S\":\"cus-h\"}},\"NewImage\":{\"customerId\":"
                + "{\"S\":\"cus-h\"}},\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},\"eventSourceARN\":\""
                + StreamEvents.STREAM_ARN + "\"}]}";
        DynamodbEvent event =
                com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers.serializerFor(
                                DynamodbEvent.class, getClass().getClassLoader())
                        .fromJson(new java.io.ByteArrayInputStream(
                                json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        StreamsEventResponse response = handler.handleRequest(event, new InvocationContext("tether-orders", 60_000));

        // An empty identifier: Lambda treats the batch as failed and retries it, rather than moving past the record.
        assertThat(checkpoints(response)).containsExactly("");
        assertThat(Sql.rows(database, "SELECT * FROM customers")).isEmpty();
    }

    @Test
    void aDatabaseFailureMidBatchCheckpointsAtThatRecordAndAppliesNothingAfterIt() {
        Sql.execute(
                database,
                "CREATE TRIGGER customers_boom BEFORE INSERT ON customers FOR EACH ROW"
                        + " BEGIN IF NEW.customer_id = 'cus-boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom';"
                        + " END IF; END");
        List<Rec> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(insert(200 + i, i == 25 ? "cus-boom" : "cus-" + (200 + i), ""));
        }

        StreamsEventResponse response = invoke(records.toArray(Rec[]::new));

        assertThat(checkpoints(response)).containsExactly("225");
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM customers")).isEqualTo(25);
        assertThat(Sql.number(database, "SELECT MAX(stream_sequence) FROM customers"))
                .isEqualTo(224);
    }

    @Test
    void aStreamWithoutNewImagesIsAConfigurationErrorNotASilentSkip() {
        StreamsEventResponse response = handler.handleRequest(
                StreamEvents.resource("dynamodb/keys-only.json"), new InvocationContext("tether-orders", 60_000));

        assertThat(checkpoints(response)).containsExactly("222200000000000000000050");
        assertThat(Sql.rows(database, "SELECT * FROM customers")).isEmpty();
    }

    @Test
    void aNewImageOnlyStreamReplicatesToo() {
        String json = "{\"Records\":[{\"eventID\":\"1\",\"eventName\":\"MODIFY\",\"eventVersion\":\"1.1\","
                + "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-west-1\",\"dynamodb\":{\"Keys\":{\"customerId\":"
                + "{\"S\":\"cus-n\"}},\"NewImage\":{\"customerId\":{\"S\":\"cus-n\"},\"tier\":{\"S\":\"SILVER\"}},"
                + "\"SequenceNumber\":\"300\",\"SizeBytes\":40,\"StreamViewType\":\"NEW_IMAGE\"},\"eventSourceARN\":\""
                + StreamEvents.STREAM_ARN + "\"}]}";
        DynamodbEvent event =
                com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers.serializerFor(
                                DynamodbEvent.class, getClass().getClassLoader())
                        .fromJson(new java.io.ByteArrayInputStream(
                                json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        StreamsEventResponse response = handler.handleRequest(event, new InvocationContext("tether-orders", 60_000));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(row("cus-n")).contains("|SILVER|");
    }

    @Test
    void tenThousandRecordsCostTheSameStatementsAsTen() {
        invoke(insert(1, "warm-up", ""));
        List<String> small = statements(records(10, 1_000));
        List<String> large = statements(records(10_000, 100_000));

        assertThat(large).hasSameSizeAs(small).hasSize(2);
        assertThat(large.get(1)).isEqualTo("COMMIT");
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM customers")).isEqualTo(1 + 10 + 10_000);
    }

    private static List<Rec> records(int count, long firstSequence) {
        List<Rec> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(insert(
                    firstSequence + i,
                    "cus-" + firstSequence + "-" + i,
                    "\"email\":{\"S\":\"c" + i + "@example.com\"},\"creditLimit\":{\"N\":\"" + i + ".25\"},"
                            + "\"tags\":{\"SS\":[\"a\",\"b\"]},\"address\":{\"M\":{\"zip\":{\"N\":\"" + i + "\"}}}"));
        }
        return records;
    }

    private List<String> statements(List<Rec> records) {
        DynamodbEvent event = StreamEvents.event(records);
        List<StreamsEventResponse> responses = new ArrayList<>();
        List<String> statements = Sql.statementsOn(
                database,
                handler.link().connectionId(),
                () -> responses.add(handler.handleRequest(event, new InvocationContext("tether-orders", 60_000))));
        assertThat(responses.get(0).getBatchItemFailures()).isEmpty();
        return statements;
    }

    private static StreamsEventResponse invoke(Rec... records) {
        return handler.handleRequest(
                StreamEvents.event(List.of(records)), new InvocationContext("tether-orders", 60_000));
    }

    private static String row(String customerId) {
        return Sql.rows(database, "SELECT " + COLUMNS + " FROM customers WHERE customer_id = '" + customerId + "'")
                .get(0);
    }

    private static List<String> checkpoints(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }
}
