package dev.tether.processor.write;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits the rows of one multi-row statement into as few statements as fit a byte budget, so a batch of any size
 * stays under the server's {@code max_allowed_packet} while the statement count stays constant for ordinary batches.
 */
public final class Chunks {

    private Chunks() {}

    /** Consecutive runs of {@code rows} whose estimated sizes add up to at most {@code budgetBytes} each. */
    public static <T> List<List<T>> bySize(List<T> rows, ToIntFunction<T> estimatedBytes, int budgetBytes) {
        List<List<T>> chunks = new ArrayList<>();
        int start = 0;
        long size = 0;
        for (int i = 0; i < rows.size(); i++) {
            int rowBytes = estimatedBytes.applyAsInt(rows.get(i));
            if (i > start && size + rowBytes > budgetBytes) {
                chunks.add(rows.subList(start, i));
                start = i;
                size = 0;
            }
            size += rowBytes;
        }
        if (start < rows.size()) {
            chunks.add(rows.subList(start, rows.size()));
        }
        return chunks;
    }

    /** Bytes a string takes in a statement, at most (UTF-8, every character escaped). */
    public static int textBytes(String value) {
        return value.length() * 4 + 4;
    }
}
