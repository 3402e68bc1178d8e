package dev.tether.processor.stream;

import java.math.BigInteger;

/**
 * One stream record, mapped: the row it would write.
 *
 * @param sequenceNumber the record's SequenceNumber as Lambda delivered it (the checkpoint to report)
 * @param sequence the same, as a number
 * @param key the primary key value
 * @param removed true for REMOVE: the row becomes a tombstone
 * @param values the data columns' values (all null for a tombstone)
 */
record Change(String sequenceNumber, BigInteger sequence, Object key, boolean removed, Object[] values) {

    /** A generous estimate of the bytes this row adds to a multi-row statement. */
    int estimatedBytes() {
        int bytes = 64 + String.valueOf(key).length() * 4;
        for (Object value : values) {
            bytes += value == null ? 5 : value instanceof byte[] b ? b.length * 2 + 4 : value.toString().length() * 4 + 4;
        }
        return bytes;
    }
}
