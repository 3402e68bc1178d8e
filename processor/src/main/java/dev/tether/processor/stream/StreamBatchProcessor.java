package dev.tether.processor.stream;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.link.OnLostCommit;
import dev.tether.processor.link.SqlFailures;
import dev.tether.processor.write.BatchWriter.GroupResult;
import dev.tether.processor.write.IsolatingCommitter;
import dev.tether.processor.write.IsolatingCommitter.Failure;
import dev.tether.processor.write.IsolatingCommitter.Outcome;
import dev.tether.processor.write.OrderingPolicy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of DynamoDB stream records in order, with checkpoint semantics: at the first record that cannot be
 * applied, every record before it is committed, none after it is applied, and the response names that record's
 * sequence number, from which Lambda resumes ("Configuring partial batch response with DynamoDB Streams",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html: Lambda retries from the
 * lowest sequence number reported). Reporting more, or applying records after a failure, would let later records
 * jump ahead of it: the mistake of powertools-lambda-java issue #1820.
 */
public final class StreamBatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(StreamBatchProcessor.class);
    private static final Pattern SEQUENCE = Pattern.compile("[0-9]{1,40}");

    private final ImageMapper mapper;
    private final IsolatingCommitter<Change> committer;

    public StreamBatchProcessor(DatabaseLink link, ReplicaTable table) {
        this.mapper = new ImageMapper(table);
        ReplicaWriter writer = new ReplicaWriter(table);
        // A repeat after a lost COMMIT is harmless: the sequence guard leaves rows that already took a change as
        // they are.
        this.committer = new IsolatingCommitter<>(
                link,
                OnLostCommit.RETRY,
                (tx, changes) -> {
                    writer.write(tx, changes);
                    return GroupResult.allWritten();
                },
                OrderingPolicy.wholeBatch());
    }

    /**
     * Maps a sample image and renders the upsert on {@code dry} (a context that executes nothing), so that init
     * loads and compiles the hot path.
     */
    public static void prime(ReplicaTable table, org.jooq.DSLContext dry)
            throws InvalidRecordException {
        ImageMapper mapper = new ImageMapper(table);
        var image = java.util.Map.of(table.key().attribute(),
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS("prime"));
        Object key = mapper.key(image);
        new ReplicaWriter(table)
                .write(dry, List.of(new Change("1", BigInteger.ONE, key, false, mapper.values(image))));
    }

    /** What became of a batch. */
    public record Result(StreamsEventResponse response, int applied, int transactions) {}

    /** Applies {@code records} in order up to the first that cannot be applied. */
    public Result process(List<DynamodbStreamRecord> records) {
        List<Change> changes = new ArrayList<>(records.size());
        String checkpoint = null;
        for (DynamodbStreamRecord record : records) {
            try {
                changes.add(change(record));
            } catch (InvalidRecordException | RuntimeException e) {
                // A record that cannot be read, whatever its fault, is the checkpoint: never an exception out of the
                // handler, which would make Lambda retry the whole batch.
                checkpoint = sequenceNumberOf(record);
                LOG.error("stream record cannot be applied", entry("eventID", record.getEventID()),
                        entry("sequenceNumber", checkpoint), entry("reason", e instanceof InvalidRecordException
                                ? e.getMessage()
                                : "the record could not be read (" + e.getClass().getSimpleName() + ")"));
                break;
            }
        }
        Outcome<Change> outcome = committer.commit(changes);
        if (!outcome.failed().isEmpty()) {
            // Failures come in order; the first is the checkpoint, the others were held back by it.
            Failure<Change> first = outcome.failed().get(0);
            checkpoint = first.item().sequenceNumber();
            LOG.error("stream record not applied", entry("sequenceNumber", checkpoint),
                    entry("reason", SqlFailures.describe(first.cause())));
        }
        List<BatchItemFailure> failures =
                checkpoint == null ? List.of() : List.of(new BatchItemFailure(checkpoint));
        return new Result(new StreamsEventResponse(failures), outcome.committed().size(), outcome.transactions());
    }

    private Change change(DynamodbStreamRecord record) throws InvalidRecordException {
        StreamRecord stream = record.getDynamodb();
        if (stream == null) {
            throw new InvalidRecordException("record has no 'dynamodb' section");
        }
        String sequenceNumber = stream.getSequenceNumber();
        if (sequenceNumber == null || !SEQUENCE.matcher(sequenceNumber).matches()) {
            throw new InvalidRecordException("SequenceNumber must be a decimal of 1 to 40 digits");
        }
        BigInteger sequence = new BigInteger(sequenceNumber);
        String eventName = record.getEventName();
        if ("REMOVE".equals(eventName)) {
            Object key = mapper.key(stream.getKeys() != null ? stream.getKeys() : stream.getOldImage());
            return new Change(sequenceNumber, sequence, key, true, new Object[mapper.dataColumns()]);
        }
        if (!"INSERT".equals(eventName) && !"MODIFY".equals(eventName)) {
            throw new InvalidRecordException("eventName must be INSERT, MODIFY or REMOVE");
        }
        if (stream.getNewImage() == null) {
            throw new InvalidRecordException("the record has no NewImage: the stream's view type is "
                    + stream.getStreamViewType() + "; replication needs NEW_IMAGE or NEW_AND_OLD_IMAGES"
                    + " (a configuration error of the table's stream)");
        }
        Object key = mapper.key(stream.getKeys() != null ? stream.getKeys() : stream.getNewImage());
        return new Change(sequenceNumber, sequence, key, false, mapper.values(stream.getNewImage()));
    }

    /**
     * The identifier to report for a record that stops the batch: its sequence number; without one, an empty
     * identifier, which Lambda treats as a failure of the whole batch (retried from its start, where the sequence
     * guard makes the records already applied harmless) rather than a success that would skip the record.
     */
    private static String sequenceNumberOf(DynamodbStreamRecord record) {
        String sequenceNumber = record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
        return sequenceNumber == null ? "" : sequenceNumber;
    }
}
