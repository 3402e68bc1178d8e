package dev.tether.local;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends message bodies to an SQS queue with {@code SendMessageBatch}, ten per call, retrying only the entries that
 * failed (a batch call can succeed for some entries and fail for others).
 */
public final class OrderEventProducer {

    /** SQS takes at most ten entries per SendMessageBatch. */
    public static final int ENTRIES_PER_CALL = 10;

    private static final int ATTEMPTS = 5;

    private final SqsClient sqs;
    private final String queueUrl;
    private final AtomicLong sent = new AtomicLong();

    public OrderEventProducer(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** A message to send: its body, and its FIFO message group (null on a standard queue). */
    public record Outgoing(String body, String groupId) {}

    /** Sends every message; throws when an entry still fails after the retries. */
    public void send(List<Outgoing> messages) {
        for (int from = 0; from < messages.size(); from += ENTRIES_PER_CALL) {
            List<Outgoing> chunk = messages.subList(from, Math.min(from + ENTRIES_PER_CALL, messages.size()));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                Outgoing message = chunk.get(i);
                SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                        .id(String.valueOf(i))
                        .messageBody(message.body());
                if (message.groupId() != null) {
                    entry.messageGroupId(message.groupId())
                            .messageDeduplicationId(java.util.UUID.randomUUID().toString());
                }
                entries.add(entry.build());
            }
            sendWithRetries(entries);
        }
    }

    private void sendWithRetries(List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> pending = entries;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<SendMessageBatchRequestEntry> batch = pending;
            SendMessageBatchResponse response =
                    sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
            sent.addAndGet(response.successful().size());
            if (response.failed().isEmpty()) {
                return;
            }
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("SendMessageBatch kept failing: "
                        + response.failed().get(0).message());
            }
            Map<String, SendMessageBatchRequestEntry> byId = new java.util.HashMap<>();
            batch.forEach(e -> byId.put(e.id(), e));
            pending = response.failed().stream()
                    .map(BatchResultErrorEntry::id)
                    .map(byId::get)
                    .toList();
            try {
                Thread.sleep(50L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Messages accepted by SQS so far. */
    public long sent() {
        return sent.get();
    }

    static final String USAGE = """
            usage: java -cp local/target/tether-local.jar dev.tether.local.OrderEventProducer --queue-url URL [options]
              --queue-url URL       the queue to send to (required)
              --sqs-endpoint URL    the SQS endpoint of that queue; 'aws' (the default) for AWS itself, with the
                                    SDK's default region and credentials
              --events N            messages to send (1000)
              --duplicates R        share of duplicates, 0..1 (0)
              --poison R            share of invalid messages, 0..1 (0)
              --fifo-groups N       message groups, for a FIFO queue (0: standard queue)
              --seed N              random seed (42)""";

    private record Options(
            String queueUrl, URI endpoint, int events, double duplicates, double poison, int fifoGroups, long seed) {}

    /** Sends generated order events to a queue: the producer on its own. */
    public static void main(String[] args) {
        Options options = CommandLine.parseOrExit(
                args,
                USAGE,
                Set.of(
                        "--queue-url",
                        "--sqs-endpoint",
                        "--events",
                        "--duplicates",
                        "--poison",
                        "--fifo-groups",
                        "--seed"),
                Set.of(),
                0,
                OrderEventProducer::options);
        EventGenerator.Generated generated = EventGenerator.generate(
                options.events(), options.duplicates(), options.poison(), options.fifoGroups(), options.seed());
        try (SqsClient sqs = Sqs.client(options.endpoint())) {
            OrderEventProducer producer = new OrderEventProducer(sqs, options.queueUrl());
            producer.send(generated.messages());
            System.out.printf(
                    Locale.ROOT,
                    "sent %,d messages (%,d distinct events, %,d duplicates, %,d invalid) to %s%n",
                    producer.sent(),
                    generated.unique(),
                    generated.duplicates(),
                    generated.poison(),
                    options.queueUrl());
        }
    }

    private static Options options(CommandLine line) throws CommandLine.UsageException {
        String queueUrl = line.text("--queue-url", null);
        if (queueUrl == null) {
            throw new CommandLine.UsageException("--queue-url is required");
        }
        String endpoint = line.text("--sqs-endpoint", "aws");
        double duplicates = line.decimal("--duplicates", 0, 0, 1);
        double poison = line.decimal("--poison", 0, 0, 1);
        if (duplicates + poison >= 1) {
            throw new CommandLine.UsageException("--duplicates and --poison must add up to less than 1");
        }
        URI uri;
        try {
            uri = endpoint.equals("aws") ? null : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--sqs-endpoint is not a URL: '" + endpoint + "'");
        }
        return new Options(
                queueUrl,
                uri,
                line.integer("--events", 1_000, 1),
                duplicates,
                poison,
                line.integer("--fifo-groups", 0, 0),
                line.number("--seed", 42, Long.MIN_VALUE));
    }
}
