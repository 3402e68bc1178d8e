package dev.tether.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                SendMessageBatchRequestEntry.Builder entry =
                        SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(message.body());
                if (message.groupId() != null) {
                    entry.messageGroupId(message.groupId()).messageDeduplicationId(java.util.UUID.randomUUID().toString());
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
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
            sent.addAndGet(response.successful().size());
            if (response.failed().isEmpty()) {
                return;
            }
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("SendMessageBatch kept failing: " + response.failed().get(0).message());
            }
            Map<String, SendMessageBatchRequestEntry> byId = new java.util.HashMap<>();
            batch.forEach(e -> byId.put(e.id(), e));
            pending = response.failed().stream().map(BatchResultErrorEntry::id).map(byId::get).toList();
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
}
