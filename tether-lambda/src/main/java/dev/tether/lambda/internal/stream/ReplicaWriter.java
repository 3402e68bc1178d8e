package dev.tether.lambda.internal.stream;

import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.when;

import dev.tether.lambda.write.RepeatedRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * Writes stream changes with one multi-row upsert (more only past the statement budget), each row guarded by its
 * sequence number: a change takes effect only if its sequence number is greater than the row's, so duplicates,
 * replays and reordering cannot move a row backwards. Of several changes to one key in a group, only the latest
 * is sent.
 */
final class ReplicaWriter {

    private final ReplicaTable table;
    private final List<Field<?>> fields;
    private final int[] nullTypes;
    private final RepeatedRows upsert;

    ReplicaWriter(ReplicaTable table) {
        this.table = table;
        List<Field<?>> all = new ArrayList<>();
        table.keys().forEach(c -> all.add(c.field()));
        table.data().forEach(c -> all.add(c.field()));
        all.add(table.deleted());
        all.add(table.sequence());
        this.fields = List.copyOf(all);
        this.nullTypes =
                fields.stream().mapToInt(f -> RepeatedRows.sqlType(f.getType())).toArray();
        this.upsert = new RepeatedRows(
                n -> RepeatedRows.insertRows(table.table(), fields, n)
                        .onDuplicateKeyUpdate()
                        .set(guardedUpdate()),
                fields.size());
    }

    void write(DSLContext tx, List<Change> changes) {
        // The latest change per key, in key order so that concurrent writers lock rows in the same order.
        Map<RowKey, Change> latest = new TreeMap<>();
        for (Change change : changes) {
            latest.merge(change.key(), change, (a, b) -> b.sequence().compareTo(a.sequence()) > 0 ? b : a);
        }
        upsert.execute(tx, List.copyOf(latest.values()), this::bind, Change::bytes);
    }

    /** Keys, data columns, deleted, sequence: the order of {@link #fields}. */
    private void bind(java.sql.PreparedStatement statement, int at, Change change) throws java.sql.SQLException {
        Object[] key = change.key().values();
        for (int i = 0; i < key.length; i++) {
            RepeatedRows.bind(statement, at + i, key[i], nullTypes[i]);
        }
        int first = at + key.length;
        Object[] values = change.values();
        for (int i = 0; i < values.length; i++) {
            RepeatedRows.bind(statement, first + i, values[i], nullTypes[key.length + i]);
        }
        statement.setBoolean(first + values.length, change.removed());
        statement.setBigDecimal(first + 1 + values.length, new java.math.BigDecimal(change.sequence()));
    }

    /** Every column takes the new value only for a newer sequence; MySQL assigns left to right, so sequence last. */
    private Map<Field<?>, Field<?>> guardedUpdate() {
        Condition newer = excluded(table.sequence()).gt(table.sequence());
        Map<Field<?>, Field<?>> set = new LinkedHashMap<>();
        for (Field<?> field : fields.subList(table.keys().size(), fields.size())) {
            set.put(field, guarded(newer, field));
        }
        return set;
    }

    private static <T> Field<T> guarded(Condition newer, Field<T> column) {
        return when(newer, excluded(column)).otherwise(column);
    }
}
