package dev.tether.lambda.internal.idempotency;

import static dev.tether.lambda.it.Payments.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.config.IdempotencySettings.Mode;
import dev.tether.lambda.it.Dynalite;
import dev.tether.lambda.it.Payments;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Powertools' own flow, one record at a time, with its records in MySQL (our store) or in DynamoDB (Powertools'
 * store, against dynalite). Powertools v1 configures itself statically, so each test builds the handler it needs.
 */
class PowertoolsIdempotencyIT {

    private static Database database;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.fresh("tether_it_idem_pt");
    }

    @BeforeEach
    void empty() {
        Sql.execute(database, "DELETE FROM customer_balances", "DELETE FROM idempotency_records");
    }

    @Test
    void mysqlStoreAppliesARepeatedEventOnceAndReportsTheRepeatAsSuccess() {
        try (Payments handler = handler(Mode.POWERTOOLS_MYSQL)) {
            String payment = paymentCaptured("cus-1", 250, "EUR");

            SQSBatchResponse first = invoke(handler, List.of(Message.of(payment), Message.of(payment)));
            SQSBatchResponse second = invoke(handler, List.of(Message.of(payment)));

            assertThat(first.getBatchItemFailures()).isEmpty();
            assertThat(second.getBatchItemFailures()).isEmpty();
            assertThat(balance("cus-1")).isEqualTo(250);
            assertThat(Sql.rows(database, "SELECT status, response_data FROM idempotency_records"))
                    .containsExactly("COMPLETED|applied");
        }
    }

    @Test
    void mysqlStoreRejectsAReusedKeyWithAnotherPayload() {
        try (Payments handler = handler(Mode.POWERTOOLS_MYSQL)) {
            UUID eventId = UUID.randomUUID();
            invoke(handler, List.of(Message.of(paymentCaptured(eventId, "cus-2", 100, "EUR"))));
            Message reused = Message.of(paymentCaptured(eventId, "cus-2", 900, "EUR"));

            SQSBatchResponse response =
                    invoke(handler, List.of(reused, Message.of(paymentCaptured("cus-3", 1, "EUR"))));

            assertThat(failedIds(response)).containsExactly(reused.messageId());
            assertThat(balance("cus-2")).isEqualTo(100);
            assertThat(balance("cus-3")).isEqualTo(1);
        }
    }

    @Test
    void switchingBetweenTransactionalAndPowertoolsMysqlKeepsTheHistory() {
        String first = paymentCaptured("cus-4", 10, "EUR");
        String second = paymentCaptured("cus-4", 20, "EUR");
        try (Payments powertools = handler(Mode.POWERTOOLS_MYSQL)) {
            invoke(powertools, List.of(Message.of(first)));
        }
        try (Payments transactional = handler(Mode.TRANSACTIONAL)) {
            SQSBatchResponse response = invoke(transactional, List.of(Message.of(first), Message.of(second)));
            assertThat(response.getBatchItemFailures()).isEmpty();
        }
        try (Payments powertools = handler(Mode.POWERTOOLS_MYSQL)) {
            SQSBatchResponse response = invoke(powertools, List.of(Message.of(first), Message.of(second)));
            assertThat(response.getBatchItemFailures()).isEmpty();
        }

        assertThat(balance("cus-4")).isEqualTo(30);
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM idempotency_records"))
                .isEqualTo(2);
    }

    @Test
    void dynamoDbStoreAppliesARepeatedEventOnceAndRejectsAReusedKey() {
        Dynalite dynalite = Dynalite.shared();
        String table = "tether-idempotency-" + UUID.randomUUID();
        createTable(dynalite.endpoint(), table);
        IdempotencySettings settings = IdempotencySettings.defaults()
                .withMode(Mode.POWERTOOLS_DYNAMODB)
                .withDynamoDb(table, dynalite.endpoint());
        try (Payments handler = new Payments(database.config().withIdempotency(settings))) {
            UUID eventId = UUID.randomUUID();
            String payment = paymentCaptured(eventId, "cus-5", 70, "EUR");

            SQSBatchResponse first = invoke(handler, List.of(Message.of(payment)));
            SQSBatchResponse repeat = invoke(handler, List.of(Message.of(payment)));
            Message reused = Message.of(paymentCaptured(eventId, "cus-5", 71, "EUR"));
            SQSBatchResponse mismatch = invoke(handler, List.of(reused));

            assertThat(first.getBatchItemFailures()).isEmpty();
            assertThat(repeat.getBatchItemFailures()).isEmpty();
            assertThat(failedIds(mismatch)).containsExactly(reused.messageId());
            assertThat(balance("cus-5")).isEqualTo(70);
            assertThat(Sql.rows(database, "SELECT * FROM idempotency_records"))
                    .as("records live in DynamoDB")
                    .isEmpty();
        }
    }

    private static void createTable(String endpoint, String table) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build()) {
            dynamo.createTable(b -> b.tableName(table)
                    .keySchema(KeySchemaElement.builder()
                            .attributeName("id")
                            .keyType(KeyType.HASH)
                            .build())
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("id")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        }
    }

    private static Payments handler(Mode mode) {
        return new Payments(
                database.config().withIdempotency(IdempotencySettings.defaults().withMode(mode)));
    }

    private static long balance(String customer) {
        return Sql.number(
                database,
                "SELECT COALESCE(SUM(balance_cents), 0) FROM customer_balances WHERE customer_id = '" + customer + "'");
    }

    private static SQSBatchResponse invoke(Payments handler, List<Message> messages) {
        return handler.handleRequest(SqsEvents.event(messages), new InvocationContext("tether-payments", 60_000));
    }

    private static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }
}
