package dev.tether.lambda.internal.stream;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.tether.lambda.TtlDeletes;
import dev.tether.lambda.internal.batch.GroupWriter.GroupResult;
import dev.tether.lambda.internal.batch.HoldBackPolicy;
import dev.tether.lambda.internal.batch.IsolatingCommitter;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Failure;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Outcome;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.OnLostCommit;
import dev.tether.lambda.link.SqlFailures;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private final Map<String, Target> bySource;
    private final List<Target> targets;
    private final IsolatingCommitter<Change> committer;

    /** A table and the machinery that fills it. */
    private record Target(ReplicaTable table, ImageMapper mapper, ReplicaWriter writer) {}

    /** Records are routed to {@code tables} by the DynamoDB table name in their eventSourceARN. */
    public StreamBatchProcessor(DatabaseLink link, List<ReplicaTable> tables) {
        Map<String, Target> sources = new LinkedHashMap<>();
        List<Target> all = new ArrayList<>();
        for (ReplicaTable table : tables) {
            Target target = new Target(table, new ImageMapper(table), new ReplicaWriter(table));
            all.add(target);
            sources.put(table.source(), target);
        }
        this.bySource = Map.copyOf(sources);
        this.targets = List.copyOf(all);
        // A repeat after a lost COMMIT is harmless: the sequence guard leaves rows that already took a change as
        // they are.
        this.committer = new IsolatingCommitter<>(
                link,
                OnLostCommit.RETRY,
                (tx, changes) -> {
                    write(tx, changes);
                    return GroupResult.allWritten();
                },
                HoldBackPolicy.wholeBatch());
    }

    /** Each table's changes through its writer, the tables in the order they were registered. */
    private void write(org.jooq.DSLContext tx, List<Change> changes) {
        if (targets.size() == 1) {
            targets.get(0).writer().write(tx, changes);
            return;
        }
        for (Target target : targets) {
            List<Change> mine = new ArrayList<>();
            for (Change change : changes) {
                if (change.table() == target.table()) {
                    mine.add(change);
                }
            }
            if (!mine.isEmpty()) {
                target.writer().write(tx, mine);
            }
        }
    }

    /**
     * Maps a sample image and renders the upsert on {@code dry} (a context that executes nothing), so that init
     * loads and compiles the hot path.
     */
    public static void prime(ReplicaTable table, org.jooq.DSLContext dry) throws InvalidRecordException {
        ImageMapper mapper = new ImageMapper(table);
        java.util.Map<String, AttributeValue> image = new java.util.HashMap<>();
        for (ReplicaTable.Column key : table.keys()) {
            Class<?> type = key.field().getType();
            image.put(
                    key.attribute(),
                    Number.class.isAssignableFrom(type)
                            ? new AttributeValue().withN("1")
                            : type == byte[].class
                                    ? new AttributeValue().withB(java.nio.ByteBuffer.wrap(new byte[] {1}))
                                    : new AttributeValue().withS("prime"));
        }
        RowKey key = mapper.key(image);
        new ReplicaWriter(table)
                .write(dry, List.of(new Change("1", BigInteger.ONE, table, key, false, mapper.values(image))));
    }

    /** What became of a batch. */
    public record Result(StreamsEventResponse response, int applied, int transactions) {}

    /** Applies {@code records} in order up to the first that cannot be applied. */
    public Result process(List<DynamodbStreamRecord> records) {
        List<Change> changes = new ArrayList<>(records.size());
        String checkpoint = null;
        int kept = 0;
        for (DynamodbStreamRecord record : records) {
            try {
                Change change = change(record);
                if (change != null) {
                    changes.add(change);
                } else {
                    kept++;
                }
            } catch (InvalidRecordException | RuntimeException e) {
                // A record that cannot be read, whatever its fault, is the checkpoint: never an exception out of the
                // handler, which would make Lambda retry the whole batch.
                checkpoint = sequenceNumberOf(record);
                LOG.error(
                        "stream record cannot be applied",
                        entry("eventID", record.getEventID()),
                        entry("sequenceNumber", checkpoint),
                        entry(
                                "reason",
                                e instanceof InvalidRecordException
                                        ? e.getMessage()
                                        : "the record could not be read ("
                                                + e.getClass().getSimpleName() + ")"));
                break;
            }
        }
        Outcome<Change> outcome = committer.commit(changes);
        if (!outcome.failed().isEmpty()) {
            // Failures come in order; the first is the checkpoint, the others were held back by it.
            Failure<Change> first = outcome.failed().get(0);
            checkpoint = first.item().sequenceNumber();
            LOG.error(
                    "stream record not applied",
                    entry("sequenceNumber", checkpoint),
                    entry("reason", SqlFailures.describe(first.cause())));
        }
        List<BatchItemFailure> failures = checkpoint == null ? List.of() : List.of(new BatchItemFailure(checkpoint));
        int applied = outcome.committed().size() + (outcome.failed().isEmpty() ? kept : 0);
        return new Result(new StreamsEventResponse(failures), applied, outcome.transactions());
    }

    /** Where a record goes, by the table name in its eventSourceARN; a table without a route is an error. */
    private Target target(DynamodbStreamRecord record) throws InvalidRecordException {
        String arn = record.getEventSourceARN();
        if (arn == null || arn.isEmpty()) {
            // Lambda always sets it; only hand-built events lack it, and they go where every record went before
            // records were routed: to the handler's first route.
            return targets.get(0);
        }
        String table = tableOf(arn);
        Target target = table == null ? null : bySource.get(table);
        if (target == null) {
            throw new InvalidRecordException(
                    "no route for DynamoDB table " + (table == null ? "(unreadable ARN)" : "'" + table + "'")
                            + " of eventSourceARN " + arn + "; routes: " + bySource.keySet()
                            + " (a configuration error: add a StreamRoute, or TETHER_STREAM_ROUTES="
                            + (table == null ? "Table" : table) + "=<mysql_table>)");
        }
        return target;
    }

    /** {@code arn:aws:dynamodb:<region>:<account>:table/<TableName>/stream/<label>} → {@code TableName}. */
    static String tableOf(String arn) {
        int start = arn.indexOf(":table/");
        if (!arn.startsWith("arn:") || start < 0) {
            return null;
        }
        start += ":table/".length();
        int end = arn.indexOf('/', start);
        String name = end < 0 ? arn.substring(start) : arn.substring(start, end);
        return name.isEmpty() ? null : name;
    }

    /**
     * A REMOVE made by DynamoDB's time to live: {@code userIdentity} {@code {"type": "Service", "principalId":
     * "dynamodb.amazonaws.com"}} ("Time to Live and DynamoDB Streams", Amazon DynamoDB Developer Guide).
     */
    static boolean byTimeToLive(DynamodbStreamRecord record) {
        var identity = record.getUserIdentity();
        return identity != null
                && "Service".equals(identity.getType())
                && "dynamodb.amazonaws.com".equals(identity.getPrincipalId());
    }

    /** The record's change, or null for one that writes nothing (a TTL delete the route keeps the row for). */
    private Change change(DynamodbStreamRecord record) throws InvalidRecordException {
        StreamRecord stream = record.getDynamodb();
        if (stream == null) {
            throw new InvalidRecordException("record has no 'dynamodb' section");
        }
        String sequenceNumber = stream.getSequenceNumber();
        if (sequenceNumber == null || !SEQUENCE.matcher(sequenceNumber).matches()) {
            throw new InvalidRecordException("SequenceNumber must be a decimal of 1 to 40 digits");
        }
        Target target = target(record);
        ImageMapper mapper = target.mapper();
        BigInteger sequence = new BigInteger(sequenceNumber);
        String eventName = record.getEventName();
        if ("REMOVE".equals(eventName)) {
            RowKey key = mapper.key(stream.getKeys() != null ? stream.getKeys() : stream.getOldImage());
            if (target.table().ttlDeletes() == TtlDeletes.KEEP_ROW && byTimeToLive(record)) {
                return null;
            }
            return new Change(sequenceNumber, sequence, target.table(), key, true, new Object[mapper.dataColumns()]);
        }
        if (!"INSERT".equals(eventName) && !"MODIFY".equals(eventName)) {
            throw new InvalidRecordException("eventName must be INSERT, MODIFY or REMOVE");
        }
        if (stream.getNewImage() == null) {
            throw new InvalidRecordException("the record has no NewImage: the stream's view type is "
                    + stream.getStreamViewType() + "; replication needs NEW_IMAGE or NEW_AND_OLD_IMAGES"
                    + " (a configuration error of the table's stream)");
        }
        RowKey key = mapper.key(stream.getKeys() != null ? stream.getKeys() : stream.getNewImage());
        return new Change(sequenceNumber, sequence, target.table(), key, false, mapper.values(stream.getNewImage()));
    }

    /**
     * The identifier to report for a record that stops the batch: its sequence number; without one, an empty
     * identifier, which Lambda treats as a failure of the whole batch (retried from its start, where the sequence
     * guard makes the records already applied harmless) rather than a success that would skip the record.
     */
    private static String sequenceNumberOf(DynamodbStreamRecord record) {
        String sequenceNumber =
                record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
        return sequenceNumber == null ? "" : sequenceNumber;
    }
}
