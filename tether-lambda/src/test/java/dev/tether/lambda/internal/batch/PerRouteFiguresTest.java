package dev.tether.lambda.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.Envelope;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.config.TetherConfig.FifoFailure;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Outcome;
import dev.tether.lambda.internal.batch.SqsBatchProcessor.BatchResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-route figures count every message whose type was recognised under its route, valid or not; only a message
 * whose type no route serves, or that cannot be read far enough to know its type, counts as {@code (unrouted)}.
 */
class PerRouteFiguresTest {

    private static final Route PICKED = new Route(
            "Picked",
            message -> {
                if (message.data().contains("\"bad\"")) {
                    throw new InvalidMessageException("data.sku", "is too long");
                }
                return message.data();
            },
            (tx, events) -> {},
            null);

    private static final Route PACKED = new Route("Packed", message -> message.data(), (tx, events) -> {}, null);

    /** Commits everything it is given, with no database: the figures are the processor's. */
    private static final Execution COMMIT_ALL =
            (messages, ordering) -> new Outcome<>(List.copyOf(messages), List.of(), 0, 1);

    @Test
    void anInvalidMessageOfAKnownTypeCountsUnderItsRoute() {
        SqsBatchProcessor processor = new SqsBatchProcessor(
                new MessageReading(Envelope.tether(), Map.of("Picked", PICKED, "Packed", PACKED), null),
                COMMIT_ALL,
                FifoFailure.GROUP);

        BatchResult result = processor.process(List.of(
                message("1", body("Picked", "{\"sku\":\"ok\"}")),
                message("2", body("Picked", "{\"sku\":\"bad\"}")),
                message("3", body("Packed", "{}")),
                message("4", body("Shipped", "{}")),
                message("5", "not json")));

        assertThat(result.failed()).isEqualTo(3);
        assertThat(result.perRoute()).containsOnlyKeys("Picked", "Packed", SqsBatchProcessor.UNROUTED);
        assertThat(result.perRoute().get("Picked")).containsExactly(1, 1);
        assertThat(result.perRoute().get("Packed")).containsExactly(1, 0);
        assertThat(result.perRoute().get(SqsBatchProcessor.UNROUTED)).containsExactly(0, 2);
    }

    private static String body(String type, String data) {
        return "{\"eventId\":\"00000000-0000-4000-8000-00000000000" + type.length() + "\",\"type\":\"" + type
                + "\",\"occurredAt\":\"2026-11-30T12:00:00Z\",\"data\":" + data + "}";
    }

    private static SQSMessage message(String id, String body) {
        SQSMessage message = new SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        message.setAttributes(Map.of());
        message.setMessageAttributes(Map.of());
        return message;
    }
}
