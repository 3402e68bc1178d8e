package dev.tether.processor.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.lambda.InvalidMessageException;
import dev.tether.processor.order.OrderEvent.OrderLine;
import dev.tether.processor.order.OrderEvent.OrderStatus;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderEventParserTest {

    /** The contract's OrderUpserted example, as a producer might format it. */
    static final String ORDER = """
            {"eventId": "0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11", "type": "OrderUpserted",
             "occurredAt": "2026-11-26T10:15:30.123456Z",
             "data": {"orderId": "ord-1001", "customerId": "cus-42", "status": "PLACED", "currency": "EUR",
                      "totalCents": 2599, "version": 1,
                      "lines": [{"sku": "SKU-1", "quantity": 1, "unitPriceCents": 2599}]}}""";

    private static final String PAYMENT = """
            {"eventId": "5d3a0a64-2f8e-4d8b-9b1c-2f1e4c6a7b22", "type": "PaymentCaptured",
             "occurredAt": "2026-11-26T10:16:02Z",
             "data": {"paymentId": "pay-9", "customerId": "cus-42", "amountCents": 2599, "currency": "EUR"}}""";

    private final OrderEventParser parser = new OrderEventParser();

    @Test
    void parsesTheContractsOrderUpsertedExample() throws InvalidMessageException {
        OrderEvent event = parser.parse(ORDER);

        assertThat(event)
                .isEqualTo(new OrderUpserted(
                        UUID.fromString("0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11"),
                        Instant.parse("2026-11-26T10:15:30.123456Z"),
                        "ord-1001",
                        "cus-42",
                        OrderStatus.PLACED,
                        "EUR",
                        2599,
                        1,
                        java.util.List.of(new OrderLine("SKU-1", 1, 2599))));
    }

    @Test
    void parsesTheContractsPaymentCapturedExample() throws InvalidMessageException {
        OrderEvent event = parser.parse(PAYMENT);

        assertThat(event)
                .isEqualTo(new PaymentCaptured(
                        UUID.fromString("5d3a0a64-2f8e-4d8b-9b1c-2f1e4c6a7b22"),
                        Instant.parse("2026-11-26T10:16:02Z"),
                        "pay-9",
                        "cus-42",
                        2599,
                        "EUR"));
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws InvalidMessageException {
        String body = ORDER.replace("\"version\": 1,", "\"version\": 1, \"channel\": {\"web\": [1, 2]},")
                .replace("\"type\"", "\"traceId\": \"abc\", \"type\"");

        assertThat(parser.parse(body)).isInstanceOf(OrderUpserted.class);
    }

    @Test
    void acceptsAnOffsetAndKeepsMicroseconds() throws InvalidMessageException {
        OrderEvent event =
                parser.parse(ORDER.replace("2026-11-26T10:15:30.123456Z", "2026-11-26T11:15:30.1234567+01:00"));

        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-26T10:15:30.123456Z"));
    }

    @Test
    void acceptsEmptyLinesAndTheLimitsOfEveryRange() throws InvalidMessageException {
        String body = ORDER.replace("[{\"sku\": \"SKU-1\", \"quantity\": 1, \"unitPriceCents\": 2599}]", "[]")
                .replace("\"totalCents\": 2599", "\"totalCents\": 0")
                .replace("\"version\": 1", "\"version\": 9223372036854775807")
                .replace("ord-1001", "o".repeat(64));

        OrderUpserted order = (OrderUpserted) parser.parse(body);

        assertThat(order.lines()).isEmpty();
        assertThat(order.version()).isEqualTo(Long.MAX_VALUE);
        assertThat(order.orderId()).hasSize(64);
    }

    @Test
    void countsIdLengthInCharactersNotBytes() throws InvalidMessageException {
        String sixtyFourEmoji = "\uD83D\uDCE6".repeat(64);

        OrderUpserted order = (OrderUpserted) parser.parse(ORDER.replace("ord-1001", sixtyFourEmoji));

        assertThat(order.orderId()).isEqualTo(sixtyFourEmoji);
    }

    @Test
    void acceptsOneHundredLinesAndRejectsOneHundredAndOne() {
        assertThat(linesBody(100))
                .satisfies(body -> assertThat(parser.parse(body)).isInstanceOf(OrderUpserted.class));
        assertInvalid(linesBody(101), "data.lines");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            string where a number belongs | "totalCents": 2599         | "totalCents": "2599"          | data.totalCents
            fraction                      | "totalCents": 2599         | "totalCents": 25.99           | data.totalCents
            whole number written as float | "totalCents": 2599         | "totalCents": 2599.0          | data.totalCents
            exponent                      | "totalCents": 2599         | "totalCents": 2.599e3         | data.totalCents
            beyond a long                 | "totalCents": 2599         | "totalCents": 9223372036854775808 | data.totalCents
            negative cents                | "totalCents": 2599         | "totalCents": -1              | data.totalCents
            boolean for a number          | "totalCents": 2599         | "totalCents": true            | data.totalCents
            version zero                  | "version": 1               | "version": 0                  | data.version
            null version                  | "version": 1               | "version": null               | data.version
            number where a string belongs | "orderId": "ord-1001"      | "orderId": 1001               | data.orderId
            empty id                      | "orderId": "ord-1001"      | "orderId": ""                 | data.orderId
            id of 65 characters           | "orderId": "ord-1001"      | "orderId": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" | data.orderId
            control character in an id    | "orderId": "ord-1001"      | "orderId": "ord\\u00001001"    | data.orderId
            trailing space in an id       | "orderId": "ord-1001"      | "orderId": "ord-1001 "        | data.orderId
            unknown status                | "status": "PLACED"         | "status": "placed"            | data.status
            lower-case currency           | "currency": "EUR"          | "currency": "eur"             | data.currency
            four-letter currency          | "currency": "EUR"          | "currency": "EURO"            | data.currency
            quantity zero                 | "quantity": 1              | "quantity": 0                 | data.lines[0].quantity
            quantity beyond an int        | "quantity": 1              | "quantity": 2147483648        | data.lines[0].quantity
            sku missing                   | "sku": "SKU-1",            | "                             | data.lines[0].sku
            lines not an array            | "lines": [                 | "lines": 5, "x": [            | data.lines
            eventId not a UUID            | "0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11" | "0b7c3f0e"        | eventId
            eventId a number              | "0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11" | 42                | eventId
            occurredAt not an instant     | "2026-11-26T10:15:30.123456Z" | "2026-11-26 10:15"         | occurredAt
            occurredAt without a zone     | "2026-11-26T10:15:30.123456Z" | "2026-11-26T10:15:30"      | occurredAt
            occurredAt a number           | "2026-11-26T10:15:30.123456Z" | 1764152130                 | occurredAt
            unknown type                  | "OrderUpserted"            | "OrderDeleted"                | type
            type missing                  | "type": "OrderUpserted",   | "                             | type
            data not an object            | "data": {                  | "data": 5, "x": {             | data
            """)
    void rejectsWhatTheContractDoesNotAllowAndNamesTheField(String name, String from, String to, String field) {
        String body = to.equals("\"") ? ORDER.replace(from, "") : ORDER.replace(from, to);
        assertThat(body).as("test case must change the body").isNotEqualTo(ORDER);

        assertInvalid(body, field);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            amount zero                   | "amountCents": 2599 | "amountCents": 0          | data.amountCents
            amount as string              | "amountCents": 2599 | "amountCents": "2599"     | data.amountCents
            amount fraction               | "amountCents": 2599 | "amountCents": 2599.5     | data.amountCents
            payment id missing            | "paymentId": "pay-9", | "                       | data.paymentId
            customer id too long          | "customerId": "cus-42" | "customerId": "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" | data.customerId
            """)
    void rejectsInvalidPayments(String name, String from, String to, String field) {
        String body = to.equals("\"") ? PAYMENT.replace(from, "") : PAYMENT.replace(from, to);
        assertThat(body).as("test case must change the body").isNotEqualTo(PAYMENT);

        assertInvalid(body, field);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON              | {"eventId": "x
            empty                 | ''
            an array              | [1, 2]
            a string              | "hello"
            two objects           | {"a": 1} {"b": 2}
            trailing garbage      | {"a": 1} x
            """)
    void rejectsABodyThatIsNotExactlyOneJsonObject(String name, String body) {
        assertInvalid(body, "body");
    }

    @Test
    void rejectsADuplicatedKeyRatherThanLettingTheLastOneWin() {
        String body = ORDER.replace("\"version\": 1,", "\"version\": 1, \"version\": 2,");

        assertInvalid(body, "body");
    }

    @Test
    void readsUuidsInEitherCaseAndNothingThatOnlyLooksLikeOne() throws InvalidMessageException {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 1_000; i++) {
            UUID uuid = new UUID(random.nextLong(), random.nextLong());

            assertThat(OrderEventParser.uuid(uuid.toString(), "eventId")).isEqualTo(uuid);
            assertThat(OrderEventParser.uuid(uuid.toString().toUpperCase(java.util.Locale.ROOT), "eventId"))
                    .isEqualTo(uuid);
        }
        for (String notAUuid : new String[] {
            "\uff10b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11", // a full-width digit zero
            "+b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11",
            "0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b1g",
            "0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b1",
            "0b7c3f0e-3f1a-4c43-9a436-a2f8f1f2b11",
            "0b7c3f0e3f1a-4c43-9a43-6a2f8f1f2b11-"
        }) {
            assertThatThrownBy(() -> OrderEventParser.uuid(notAUuid, "eventId"))
                    .as(notAUuid)
                    .isInstanceOf(InvalidMessageException.class);
        }
    }

    @Test
    void errorsNeverEchoTheValue() {
        String body = ORDER.replace("\"currency\": \"EUR\"", "\"currency\": \"secret-value\"");

        assertThatThrownBy(() -> parser.parse(body)).hasMessageNotContaining("secret-value");
    }

    private void assertInvalid(String body, String field) {
        assertThatThrownBy(() -> parser.parse(body))
                .isInstanceOf(InvalidMessageException.class)
                .satisfies(
                        e -> assertThat(((InvalidMessageException) e).field()).isEqualTo(field));
    }

    private static String linesBody(int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(i > 0 ? "," : "")
                    .append("{\"sku\": \"S")
                    .append(i)
                    .append("\", \"quantity\": 1, \"unitPriceCents\": 1}");
        }
        return ORDER.replace("[{\"sku\": \"SKU-1\", \"quantity\": 1, \"unitPriceCents\": 2599}]", "[" + lines + "]");
    }
}
