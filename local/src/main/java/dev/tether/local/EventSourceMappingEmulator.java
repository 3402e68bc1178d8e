package dev.tether.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.lambda.InvocationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Does what Lambda's SQS event source mapping does: N pollers (each one handler instance, so one container and one
 * database connection; under Lambda Managed Instances {@code concurrency} pollers share each instance and its pool), long-polling {@code ReceiveMessage} up to a batch size within a batching window, an
 * {@link SQSEvent} with every attribute Lambda sets, the real handler, then {@code DeleteMessageBatch} for every
 * message not reported in {@code batchItemFailures}. Reported messages are left alone: they become visible again
 * after the visibility timeout and move to the dead-letter queue after {@code maxReceiveCount} receives.
 */
public final class EventSourceMappingEmulator implements AutoCloseable {

    private static final List<String> LAMBDA_ATTRIBUTES = List.of(
            "ApproximateReceiveCount",
            "SentTimestamp",
            "SenderId",
            "ApproximateFirstReceiveTimestamp",
            "MessageGroupId",
            "MessageDeduplicationId",
            "SequenceNumber",
            "AWSTraceHeader");

    /**
     * How the mapping polls.
     *
     * @param pollers concurrent containers
     * @param batchSize messages per invocation, at most
     * @param batchingWindowMillis how long to gather a batch
     * @param functionTimeoutMillis the deadline each invocation gets
     * @param concurrency invocations each container runs at once (Lambda Managed Instances; 1: classic Lambda)
     */
    public record Settings(
            int pollers, int batchSize, long batchingWindowMillis, long functionTimeoutMillis, int concurrency) {

        /** Classic Lambda: each container runs one invocation at a time. */
        public Settings(int pollers, int batchSize, long batchingWindowMillis, long functionTimeoutMillis) {
            this(pollers, batchSize, batchingWindowMillis, functionTimeoutMillis, 1);
        }
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final Settings settings;
    private final List<RequestHandler<SQSEvent, SQSBatchResponse>> handlers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong wholeBatchFailures = new AtomicLong();
    private final AtomicLong invocationErrors = new AtomicLong();
    private final AtomicLong redeliveries = new AtomicLong();
    private final AtomicLong firstPassDeleted = new AtomicLong();
    private final AtomicLong lastFirstPassDeleteNanos = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private final Queue<Long> latenciesNanos = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private volatile Throwable crash;

    public EventSourceMappingEmulator(
            SqsClient sqs,
            String queueUrl,
            String queueArn,
            Settings settings,
            Supplier<? extends RequestHandler<SQSEvent, SQSBatchResponse>> containers) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.settings = settings;
        for (int i = 0; i < settings.pollers(); i++) {
            handlers.add(containers.get());
        }
    }

    /** Starts the pollers: {@code concurrency} of them per container, sharing its one handler instance. */
    public EventSourceMappingEmulator start() {
        for (int i = 0; i < handlers.size(); i++) {
            RequestHandler<SQSEvent, SQSBatchResponse> handler = handlers.get(i);
            for (int t = 0; t < Math.max(1, settings.concurrency()); t++) {
                Thread thread = new Thread(() -> poll(handler), "poller-" + i + "-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }
        return this;
    }

    private void poll(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        try {
            while (running) {
                List<Message> batch = receiveBatch();
                if (batch.isEmpty()) {
                    continue;
                }
                invocations.incrementAndGet();
                for (Message message : batch) {
                    String receives = message.attributesAsStrings().get("ApproximateReceiveCount");
                    if (receives != null && Integer.parseInt(receives) > 1) {
                        redeliveries.incrementAndGet();
                    }
                }
                Set<String> failed = invoke(handler, batch);
                if (failed.size() == batch.size()) {
                    wholeBatchFailures.incrementAndGet();
                }
                reported.addAndGet(failed.size());
                deleteSucceeded(batch, failed);
            }
        } catch (Throwable t) {
            crash = t;
        }
    }

    /**
     * Invokes the handler as Lambda does and returns the ids of the messages not to delete: those it reported, or
     * the whole batch when it threw (Lambda then retries the batch after the visibility timeout).
     */
    private Set<String> invoke(RequestHandler<SQSEvent, SQSBatchResponse> handler, List<Message> batch) {
        Set<String> failed = new HashSet<>();
        long started = System.nanoTime();
        try {
            SQSBatchResponse response = handler.handleRequest(
                    event(batch), new InvocationContext("tether-orders-local", settings.functionTimeoutMillis()));
            for (BatchItemFailure failure : response.getBatchItemFailures()) {
                failed.add(failure.getItemIdentifier());
            }
        } catch (RuntimeException e) {
            invocationErrors.incrementAndGet();
            batch.forEach(m -> failed.add(m.messageId()));
        } finally {
            latenciesNanos.add(System.nanoTime() - started);
        }
        return failed;
    }

    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>();
        long windowEnds = Long.MAX_VALUE;
        while (running && batch.size() < settings.batchSize()) {
            long now = System.currentTimeMillis();
            if (!batch.isEmpty() && now >= windowEnds) {
                break;
            }
            int wanted = Math.min(10, settings.batchSize() - batch.size());
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(wanted)
                            .waitTimeSeconds(batch.isEmpty() ? 1 : 0)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages();
            if (received.isEmpty()) {
                if (batch.isEmpty()) {
                    continue;
                }
                break;
            }
            if (batch.isEmpty()) {
                windowEnds = now + settings.batchingWindowMillis();
            }
            batch.addAll(received);
        }
        return batch;
    }

    private SQSEvent event(List<Message> batch) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>(batch.size());
        for (Message message : batch) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
            Map<String, String> attributes = new HashMap<>();
            message.attributesAsStrings().forEach((name, value) -> {
                if (LAMBDA_ATTRIBUTES.contains(name)) {
                    attributes.put(name, value);
                }
            });
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            message.messageAttributes().forEach((name, value) -> messageAttributes.put(name, attribute(value)));
            record.setMessageAttributes(messageAttributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion(Sqs.LOCAL_REGION);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setDataType(value.dataType());
        attribute.setStringValue(value.stringValue());
        attribute.setBinaryValue(
                value.binaryValue() == null
                        ? null
                        : ByteBuffer.wrap(value.binaryValue().asByteArray()));
        attribute.setStringListValues(List.of());
        attribute.setBinaryListValues(List.of());
        return attribute;
    }

    private void deleteSucceeded(List<Message> batch, Set<String> failed) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (Message message : batch) {
            if (!failed.contains(message.messageId())) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(String.valueOf(entries.size()))
                        .receiptHandle(message.receiptHandle())
                        .build());
            }
        }
        for (int from = 0; from < entries.size(); from += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = entries.subList(from, Math.min(from + 10, entries.size()));
            var response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
            deleted.addAndGet(response.successful().size());
        }
        long firstReceives = batch.stream()
                .filter(m -> !failed.contains(m.messageId()))
                .filter(m -> "1".equals(m.attributesAsStrings().get("ApproximateReceiveCount")))
                .count();
        if (firstReceives > 0) {
            firstPassDeleted.addAndGet(firstReceives);
            lastFirstPassDeleteNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }

    /** Messages deleted after their batch succeeded (committed or duplicates). */
    public long deleted() {
        return deleted.get();
    }

    /** Messages reported in batchItemFailures, over all receives. */
    public long reported() {
        return reported.get();
    }

    /** Handler invocations so far. */
    public long invocations() {
        return invocations.get();
    }

    /** Invocations in which every message of the batch failed (reported, or the handler threw). */
    public long wholeBatchFailures() {
        return wholeBatchFailures.get();
    }

    /** Invocations in which the handler threw instead of answering. */
    public long invocationErrors() {
        return invocationErrors.get();
    }

    /** Messages deleted on their first receive: done without a redelivery. */
    public long firstPassDeleted() {
        return firstPassDeleted.get();
    }

    /** Seconds from the pollers' start to the last deletion of a message on its first receive. */
    public double firstPassSeconds() {
        long last = lastFirstPassDeleteNanos.get();
        return last == 0 ? 0 : (last - startedNanos) / 1e9;
    }

    /** Messages received again after an earlier receive (ApproximateReceiveCount above 1). */
    public long redeliveries() {
        return redeliveries.get();
    }

    /** The {@code percentile} (0 to 100) of invocation latencies so far, in milliseconds; 0 before any. */
    public double latencyMillis(double percentile) {
        List<Long> sorted = new ArrayList<>(latenciesNanos);
        if (sorted.isEmpty()) {
            return 0;
        }
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(percentile / 100 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    /** The handlers, one per poller (container). */
    public List<RequestHandler<SQSEvent, SQSBatchResponse>> handlers() {
        return handlers;
    }

    /** The failure that stopped a poller, if any. */
    public Throwable crash() {
        return crash;
    }

    /** Stops polling and waits for invocations in flight. */
    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
