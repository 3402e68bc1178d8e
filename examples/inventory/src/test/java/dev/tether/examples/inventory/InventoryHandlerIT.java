package dev.tether.examples.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.testing.AppUser;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inventory example's guarantees, none of which it has code for: each one comes from tether-lambda. Every test
 * runs the real handler on a real server, with events through Lambda's own serializer.
 */
class InventoryHandlerIT {

    private Database database;

    @BeforeEach
    void freshDatabase() {
        database = TestDatabase.empty("tether_it_inventory");
    }

    @Test
    void anEmptyDatabaseGetsItsTablesAtInitAndAdjustmentsLand() {
        InventoryHandler handler = new InventoryHandler(database.config());

        assertThat(Sql.rows(database, "SELECT version FROM flyway_schema_history WHERE success = 1"))
                .containsExactly("1");
        assertThat(Sql.rows(
                        database,
                        "SELECT version FROM tether_schema_history WHERE success = 1" + " ORDER BY installed_rank"))
                .containsExactly("0", "1");
        SQSBatchResponse response = invoke(
                handler,
                List.of(
                        Message.of(adjusted("sku-1", "ams", 5)),
                        Message.of(adjusted("sku-1", "ams", -2)),
                        Message.of(adjusted("sku-1", "rtm", 7)),
                        Message.of(adjusted("sku-2", "ams", -4))));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(stock()).containsExactly("sku-1|ams|3", "sku-1|rtm|7", "sku-2|ams|-4");
    }

    @Test
    void aDuplicateIsASuccessThatAppliesNothingAndARedeliveredBatchChangesNothing() {
        InventoryHandler handler = new InventoryHandler(database.config());
        String once = adjusted("sku-1", "ams", 5);
        List<Message> batch = List.of(Message.of(once), Message.of(once), Message.of(adjusted("sku-1", "ams", 1)));

        assertThat(invoke(handler, batch).getBatchItemFailures()).isEmpty();
        assertThat(invoke(handler, batch).getBatchItemFailures()).isEmpty();
        assertThat(invoke(new InventoryHandler(database.config()), batch).getBatchItemFailures())
                .as("another container")
                .isEmpty();

        assertThat(stock()).containsExactly("sku-1|ams|6");
    }

    @Test
    void anEventIdReusedWithAnotherPayloadIsReportedAndNotApplied() {
        InventoryHandler handler = new InventoryHandler(database.config());
        String eventId = UUID.randomUUID().toString();
        invoke(handler, List.of(Message.of(adjusted(eventId, "sku-1", "ams", 5))));
        Message reused = Message.of(adjusted(eventId, "sku-1", "ams", 500));
        Message fine = Message.of(adjusted("sku-1", "ams", 1));

        SQSBatchResponse response = invoke(handler, List.of(reused, fine));

        assertThat(failed(response)).containsExactly(reused.messageId());
        assertThat(stock()).containsExactly("sku-1|ams|6");
    }

    @Test
    void powertoolsOwnFlowGivesTheRouteTheSameDuplicateAndReusedKeyRules() {
        TetherConfig powertools = database.config()
                .withIdempotency(IdempotencySettings.defaults().withMode(IdempotencySettings.Mode.POWERTOOLS_MYSQL));
        InventoryHandler handler = new InventoryHandler(powertools);
        String eventId = UUID.randomUUID().toString();
        String once = adjusted(eventId, "sku-1", "ams", 5);
        Message reused = Message.of(adjusted(eventId, "sku-1", "ams", 7));

        assertThat(invoke(handler, List.of(Message.of(once), Message.of(once))).getBatchItemFailures())
                .isEmpty();
        assertThat(failed(invoke(handler, List.of(reused)))).containsExactly(reused.messageId());
        // The transactional mode reads the records Powertools wrote: the same event is still a duplicate.
        assertThat(invoke(new InventoryHandler(database.config()), List.of(Message.of(once)))
                        .getBatchItemFailures())
                .isEmpty();

        assertThat(stock()).containsExactly("sku-1|ams|5");
    }

    @Test
    void everyInvalidBodyIsReportedAloneAndTheValidOnesBesideItCommit() {
        InventoryHandler handler = new InventoryHandler(database.config());
        String uuid = "\"eventId\":\"" + UUID.randomUUID() + "\"";
        String head = "{" + uuid + ",\"type\":\"InventoryAdjusted\",\"occurredAt\":\"2026-12-01T10:00:00Z\",\"data\":";
        List<String> invalid = List.of(
                head + "{\"warehouse\":\"ams\",\"delta\":1}}",
                head + "{\"sku\":\"\",\"warehouse\":\"ams\",\"delta\":1}}",
                head + "{\"sku\":\"" + "s".repeat(65) + "\",\"warehouse\":\"ams\",\"delta\":1}}",
                head + "{\"sku\":\"a\\u0007b\",\"warehouse\":\"ams\",\"delta\":1}}",
                head + "{\"sku\":\"sku\",\"warehouse\":12,\"delta\":1}}",
                head + "{\"sku\":\"sku\",\"warehouse\":null,\"delta\":1}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":0}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":\"5\"}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":1.5}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":1.0}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":1e3}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":9223372036854775808}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":true}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\"}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":1,\"delta\":2}}",
                head + "[1,2]}",
                head + "\"data\"}",
                "{" + uuid + ",\"type\":\"InventoryAdjusted\",\"occurredAt\":\"yesterday\",\"data\":{\"sku\":\"s\","
                        + "\"warehouse\":\"w\",\"delta\":1}}",
                "{\"eventId\":\"not-a-uuid\",\"type\":\"InventoryAdjusted\",\"occurredAt\":\"2026-12-01T10:00:00Z\","
                        + "\"data\":{\"sku\":\"s\",\"warehouse\":\"w\",\"delta\":1}}",
                "{" + uuid + ",\"type\":\"InventoryCounted\",\"occurredAt\":\"2026-12-01T10:00:00Z\",\"data\":{}}",
                "{" + uuid + ",\"occurredAt\":\"2026-12-01T10:00:00Z\",\"data\":{}}",
                head + "{\"sku\":\"sku\",\"warehouse\":\"ams\",\"delta\":1}} trailing",
                "not json",
                "",
                "[" + "[".repeat(5000) + "]".repeat(5000) + "]");
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < invalid.size(); i++) {
            batch.add(Message.of(adjusted("ok-" + i, "ams", 1)));
            batch.add(Message.of(invalid.get(i)));
        }

        SQSBatchResponse response = invoke(handler, batch);

        List<String> expected = new ArrayList<>();
        for (int i = 1; i < batch.size(); i += 2) {
            expected.add(batch.get(i).messageId());
        }
        assertThat(failed(response)).containsExactlyElementsOf(expected);
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM inventory WHERE quantity = 1"))
                .isEqualTo(invalid.size());
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM inventory")).isEqualTo(invalid.size());
    }

    @Test
    void anAdjustmentThatWouldOverflowTheQuantityIsReportedAloneAndTheRestCommit() {
        InventoryHandler handler = new InventoryHandler(database.config());
        invoke(handler, List.of(Message.of(adjusted("sku-big", "ams", Long.MAX_VALUE - 1))));
        Message overflow = Message.of(adjusted("sku-big", "ams", 5));
        List<Message> batch =
                List.of(Message.of(adjusted("sku-1", "ams", 2)), overflow, Message.of(adjusted("sku-2", "ams", 3)));

        SQSBatchResponse response = invoke(handler, batch);

        assertThat(failed(response)).containsExactly(overflow.messageId());
        assertThat(stock()).containsExactly("sku-1|ams|2", "sku-2|ams|3", "sku-big|ams|" + (Long.MAX_VALUE - 1));
    }

    @Test
    void onAFifoQueueAFailureHoldsBackTheRestOfItsGroupOnly() {
        InventoryHandler handler = new InventoryHandler(database.config());
        Message first = Message.inGroup("ams", adjusted("sku-1", "ams", 1));
        Message bad = Message.inGroup("ams", adjusted("sku-1", "ams", 0));
        Message after = Message.inGroup("ams", adjusted("sku-1", "ams", 10));
        Message other = Message.inGroup("rtm", adjusted("sku-1", "rtm", 100));

        SQSBatchResponse response = invoke(handler, List.of(first, bad, after, other));

        assertThat(failed(response)).containsExactly(bad.messageId(), after.messageId());
        assertThat(stock()).containsExactly("sku-1|ams|1", "sku-1|rtm|100");
    }

    @Test
    void aConnectionKilledBetweenInvocationsIsReplacedAndNothingIsLost() {
        InventoryHandler handler = new InventoryHandler(database.config());
        invoke(handler, List.of(Message.of(adjusted("sku-1", "ams", 1))));
        for (String id : Sql.rows(
                database,
                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" + database.name()
                        + "' AND ID <> CONNECTION_ID()")) {
            Sql.execute(database, "KILL " + id);
        }

        SQSBatchResponse response = invoke(handler, List.of(Message.of(adjusted("sku-1", "ams", 2))));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(stock()).containsExactly("sku-1|ams|3");
    }

    @Test
    void aConnectionLostDuringABatchFailsItWholeAndItsRedeliveryCommitsOnce() throws Exception {
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url())) {
            TetherConfig config = TetherConfig.of(
                    proxy.route(database.url()), database.user(), database.password(), database.dialect());
            InventoryHandler handler = new InventoryHandler(config);
            List<Message> batch =
                    List.of(Message.of(adjusted("sku-1", "ams", 1)), Message.of(adjusted("sku-2", "ams", 2)));
            proxy.onNextCommitOf("inventory", FaultProxy.CommitFault.LOSE_REPLY);

            List<String> reported = failed(invoke(handler, batch));
            List<Message> redelivery =
                    batch.stream().filter(m -> reported.contains(m.messageId())).toList();
            if (!redelivery.isEmpty()) {
                assertThat(invoke(handler, redelivery).getBatchItemFailures()).isEmpty();
            }

            assertThat(stock()).containsExactly("sku-1|ams|1", "sku-2|ams|2");
        }
    }

    @Test
    void containersBeyondTheLoginsConnectionLimitTakeTurnsAndEveryAdjustmentLandsOnce() {
        // The tables come from a start with the database's owner: the limited login may read and write, not create.
        new InventoryHandler(database.config());
        AppUser user = AppUser.create(database, "tether_inventory", "secret");
        user.maxConnections(1);
        TetherConfig limited = TetherConfig.of(database.url(), user.name(), user.password(), database.dialect());
        List<InventoryHandler> containers =
                List.of(new InventoryHandler(limited), new InventoryHandler(limited), new InventoryHandler(limited));
        List<Message> pending = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pending.add(Message.of(adjusted("sku-" + (i % 3), "ams", 1)));
        }

        for (int round = 0; round < 20 && !pending.isEmpty(); round++) {
            List<Message> next = new ArrayList<>();
            for (int c = 0; c < containers.size(); c++) {
                List<Message> share = new ArrayList<>();
                for (int i = c; i < pending.size(); i += containers.size()) {
                    share.add(pending.get(i));
                }
                if (share.isEmpty()) {
                    continue;
                }
                List<String> reported = failed(invoke(containers.get(c), share, 3_000));
                share.stream().filter(m -> reported.contains(m.messageId())).forEach(next::add);
            }
            pending = next;
        }

        assertThat(pending).as("every adjustment landed").isEmpty();
        assertThat(stock()).containsExactly("sku-0|ams|10", "sku-1|ams|10", "sku-2|ams|10");
    }

    private List<String> stock() {
        return Sql.rows(
                database,
                "SELECT CONCAT(sku, '|', warehouse, '|', quantity) FROM inventory ORDER BY sku," + " warehouse");
    }

    private static SQSBatchResponse invoke(InventoryHandler handler, List<Message> batch) {
        return invoke(handler, batch, 30_000);
    }

    static SQSBatchResponse invoke(InventoryHandler handler, List<Message> batch, int remainingMillis) {
        return handler.handleRequest(SqsEvents.event(batch), new InvocationContext("inventory", remainingMillis));
    }

    static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }

    static String adjusted(String sku, String warehouse, long delta) {
        return adjusted(UUID.randomUUID().toString(), sku, warehouse, delta);
    }

    static String adjusted(String eventId, String sku, String warehouse, long delta) {
        return "{\"eventId\":\"" + eventId
                + "\",\"type\":\"InventoryAdjusted\",\"occurredAt\":\"2026-12-01T10:15:30Z\","
                + "\"data\":{\"sku\":" + SqsEvents.quote(sku) + ",\"warehouse\":" + SqsEvents.quote(warehouse)
                + ",\"delta\":" + delta + "}}";
    }
}
