package dev.tether.lambda.internal.stream;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * A row's primary key, one value per key column, ordered the same way whatever the key types: strings by UTF-16
 * code units, numbers by value, binary by unsigned bytes. Rows are written (and so locked) in this order, so two
 * containers writing overlapping batches take their locks in the same order.
 */
record RowKey(Object[] values) implements Comparable<RowKey> {

    @Override
    public int compareTo(RowKey other) {
        for (int i = 0; i < values.length; i++) {
            int order = compare(values[i], other.values[i]);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.compareUnsigned(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y));
        }
        if (a instanceof Comparable x && a.getClass() == b.getClass()) {
            return x.compareTo(b);
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

    private static BigDecimal decimal(Number number) {
        return number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RowKey key && compareTo(key) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}
