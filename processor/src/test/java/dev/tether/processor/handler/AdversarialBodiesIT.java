package dev.tether.processor.handler;

import static dev.tether.processor.testing.OrderEvents.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any body whatsoever (any characters, up to SQS's 256 KB and beyond, any nesting, any JSON value) is a batch item
 * failure of its own message: the handler never throws, and every valid message beside it commits exactly once.
 * Driven through Lambda's serializer into the real handler on the real server.
 */
class AdversarialBodiesIT {

    private static final AtomicLong CUSTOMERS = new AtomicLong();

    private static Database database;
    private static OrderEventsHandler handler;

    @BeforeContainer
    static void start() {
        database = TestDatabase.fresh("tether_it_adversarial");
        handler = new OrderEventsHandler(database.config());
    }

    @AfterContainer
    static void stop() {
        handler.close();
    }

    /** One message of a batch: a payment that must commit, or a body that must be reported. */
    private sealed interface Entry permits Valid, Bad {}

    private record Valid(String customer, long amount, boolean sentTwice) implements Entry {}

    private record Bad(String kind, String body) implements Entry {}

    @Property(tries = 40)
    void noBodyThrowsOutOfTheHandlerAndEveryValidMessageBesideItCommits(@ForAll("batches") List<Entry> entries) {
        List<Message> messages = new ArrayList<>();
        Set<String> badIds = new java.util.HashSet<>();
        Map<String, Long> expected = new TreeMap<>();
        for (Entry entry : entries) {
            if (entry instanceof Valid valid) {
                String body = paymentCaptured(valid.customer(), valid.amount(), "EUR");
                messages.add(Message.of(body));
                if (valid.sentTwice()) {
                    messages.add(Message.of(body)); // the producer's retry: same event, another message
                }
                expected.put(valid.customer(), valid.amount());
            } else if (entry instanceof Bad bad) {
                Message message = Message.of(bad.body());
                messages.add(message);
                badIds.add(message.messageId());
            }
        }

        SQSBatchResponse response =
                handler.handleRequest(SqsEvents.event(messages), new InvocationContext("tether-orders", 60_000));

        assertThat(response.getBatchItemFailures().stream().map(BatchItemFailure::getItemIdentifier))
                .as(
                        "exactly the bad bodies are reported: %s",
                        entries.stream()
                                .filter(e -> e instanceof Bad)
                                .map(e -> ((Bad) e).kind())
                                .toList())
                .containsExactlyInAnyOrderElementsOf(badIds);
        if (!expected.isEmpty()) {
            String customers =
                    expected.keySet().stream().map(c -> "'" + c + "'").collect(Collectors.joining(","));
            List<String> rows = Sql.rows(
                    database,
                    "SELECT customer_id, balance_cents FROM customer_balances" + " WHERE customer_id IN (" + customers
                            + ") ORDER BY customer_id");
            assertThat(rows)
                    .containsExactlyElementsOf(expected.entrySet().stream()
                            .map(e -> e.getKey() + "|" + e.getValue())
                            .toList());
        }
    }

    @Provide
    Arbitrary<List<Entry>> batches() {
        Arbitrary<Entry> valid = Combinators.combine(
                        Arbitraries.longs().between(1, 1_000_000_000L), Arbitraries.of(false, false, false, true))
                .as((amount, twice) -> new Valid("fz-" + CUSTOMERS.incrementAndGet(), amount, twice));
        Arbitrary<Entry> bad = badBodies();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, valid), net.jqwik.api.Tuple.of(1, bad))
                .list()
                .ofMinSize(1)
                .ofMaxSize(12);
    }

    private static Arbitrary<Entry> badBodies() {
        String envelope = paymentCaptured(UUID.randomUUID(), "fz-bad", 1, "EUR");
        int data = envelope.indexOf("\"data\":");
        return Arbitraries.oneOf(
                Arbitraries.just(new Bad("array nested 100,000 deep", "[".repeat(100_000) + "]".repeat(100_000))),
                Arbitraries.just(
                        new Bad("object nested 10,000 deep", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000))),
                Arbitraries.just(new Bad("number 300,000 digits long", "9".repeat(300_000))),
                Arbitraries.just(new Bad(
                        "amount 250,000 digits long",
                        envelope.replace("\"amountCents\":1", "\"amountCents\":" + "7".repeat(250_000)))),
                Arbitraries.just(new Bad(
                        "unknown field nested 100,000 deep",
                        envelope.substring(0, data) + "\"extra\":" + "[".repeat(100_000) + "]".repeat(100_000) + ","
                                + envelope.substring(data))),
                Arbitraries.just(new Bad("name 60,000 characters long", "{\"" + "n".repeat(60_000) + "\":1}")),
                Arbitraries.of(
                                "",
                                " ",
                                "\n",
                                "null",
                                "[]",
                                "{}",
                                "42",
                                "\"text\"",
                                "true",
                                "\u0000",
                                "{\"a\":1}{}",
                                "\uFEFF{}",
                                "{\"eventId\":\"" + UUID.randomUUID() + "\"}")
                        .map(body -> new Bad("small value " + body.length(), body)),
                Arbitraries.strings().all().ofMaxLength(300).map(s -> new Bad("random characters", "x" + s)),
                Arbitraries.integers()
                        .between(0, envelope.length() - 1)
                        .map(cut -> new Bad("truncated at " + cut, envelope.substring(0, cut))),
                Arbitraries.of(
                                "\"1\"",
                                "1.5",
                                "1e3",
                                "-1",
                                "0",
                                "null",
                                "[]",
                                "{}",
                                "9223372036854775808",
                                "99999999999999999999999999")
                        .map(amount -> new Bad(
                                "amount " + amount,
                                envelope.replace("\"amountCents\":1", "\"amountCents\":" + amount))),
                Arbitraries.strings()
                        .withCharRange('\u0000', '\u001f')
                        .ofMinLength(1)
                        .ofMaxLength(5)
                        .map(control -> new Bad(
                                "control characters in the customer id",
                                envelope.replace("fz-bad", "fz" + escape(control)))),
                Arbitraries.strings()
                        .all()
                        .ofMinLength(1)
                        .ofMaxLength(40)
                        .map(junk -> new Bad("junk after the object", envelope + "x" + junk)));
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
