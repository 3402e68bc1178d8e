package dev.tether.lambda.internal.stream;

import dev.tether.lambda.write.StatementBytes;
import java.math.BigInteger;

/**
 * One stream record, mapped: the row it would write.
 *
 * @param sequenceNumber the record's SequenceNumber as Lambda delivered it (the checkpoint to report)
 * @param sequence the same, as a number
 * @param table where the row goes
 * @param key the primary key's values
 * @param removed true for REMOVE: the row becomes a tombstone
 * @param values the data columns' values (all null for a tombstone)
 */
record Change(
        String sequenceNumber, BigInteger sequence, ReplicaTable table, RowKey key, boolean removed, Object[] values) {

    /** The bytes this row's values take in the upsert: key, data columns, deleted and sequence. */
    int bytes() {
        int bytes = StatementBytes.BOOLEAN + sequence.toString().length();
        for (Object value : key.values()) {
            bytes += StatementBytes.of(value);
        }
        for (Object value : values) {
            bytes += StatementBytes.of(value);
        }
        return bytes;
    }
}
