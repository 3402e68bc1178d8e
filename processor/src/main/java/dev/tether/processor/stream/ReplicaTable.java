package dev.tether.processor.stream;

import dev.tether.db.DefaultSchema;
import dev.tether.processor.config.ConfigException;
import dev.tether.processor.config.StreamSettings;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.UniqueKey;

/**
 * A table that a DynamoDB stream replicates into, read from the generated jOOQ metadata: a one-column primary key
 * (the item's partition key), the data columns, and the two bookkeeping columns {@code stream_sequence} (DECIMAL(40,0))
 * and {@code deleted} (BOOLEAN). Replicating another table takes its DDL in {@code schema/} and
 * {@code TETHER_STREAM_TABLE}.
 */
public final class ReplicaTable {

    static final String SEQUENCE_COLUMN = "stream_sequence";
    static final String DELETED_COLUMN = "deleted";

    private final Table<?> table;
    private final Column key;
    private final List<Column> data;
    private final Field<BigInteger> sequence;
    private final Field<Boolean> deleted;

    /** A column and the image attribute that fills it. */
    public record Column(Field<?> field, String attribute) {}

    private ReplicaTable(Table<?> table, Column key, List<Column> data, Field<BigInteger> sequence, Field<Boolean> deleted) {
        this.table = table;
        this.key = key;
        this.data = List.copyOf(data);
        this.sequence = sequence;
        this.deleted = deleted;
    }

    /** Resolves and checks the table {@code settings} name; a mismatch is a configuration error naming what to fix. */
    @SuppressWarnings("unchecked")
    public static ReplicaTable resolve(StreamSettings settings) {
        Table<?> table = DefaultSchema.DEFAULT_SCHEMA.getTable(settings.table());
        if (table == null) {
            throw new ConfigException(StreamSettings.TABLE + " names '" + settings.table() + "', which is not a table"
                    + " of the schema; tables: " + DefaultSchema.DEFAULT_SCHEMA.getTables().stream()
                            .map(Table::getName).toList());
        }
        UniqueKey<?> primaryKey = table.getPrimaryKey();
        if (primaryKey == null || primaryKey.getFields().size() != 1) {
            throw new ConfigException("table " + table.getName() + " needs a one-column primary key to replicate into");
        }
        Field<?> sequence = table.field(SEQUENCE_COLUMN);
        Field<?> deleted = table.field(DELETED_COLUMN);
        if (sequence == null || sequence.getType() != BigInteger.class) {
            throw new ConfigException("table " + table.getName() + " needs a column " + SEQUENCE_COLUMN
                    + " DECIMAL(40,0) NOT NULL");
        }
        if (deleted == null || deleted.getType() != Boolean.class) {
            throw new ConfigException("table " + table.getName() + " needs a column " + DELETED_COLUMN
                    + " BOOLEAN NOT NULL");
        }
        Map<String, String> overrides = settings.attributeOverrides();
        for (String column : overrides.keySet()) {
            if (table.field(column) == null) {
                throw new ConfigException(StreamSettings.ATTRIBUTES + " names column '" + column + "', which table "
                        + table.getName() + " does not have");
            }
        }
        Field<?> keyField = primaryKey.getFields().get(0);
        Column key = new Column(keyField, attributeOf(keyField.getName(), overrides));
        List<Column> data = new ArrayList<>();
        for (Field<?> field : table.fields()) {
            String name = field.getName();
            if (name.equals(keyField.getName()) || name.equals(SEQUENCE_COLUMN) || name.equals(DELETED_COLUMN)) {
                continue;
            }
            if (!field.getDataType().nullable()) {
                // A tombstone empties every data column.
                throw new ConfigException("column " + table.getName() + "." + name + " must be nullable to replicate"
                        + " into: a REMOVE leaves a tombstone with empty data columns");
            }
            data.add(new Column(field, attributeOf(name, overrides)));
        }
        return new ReplicaTable(table, key, data, (Field<BigInteger>) sequence, (Field<Boolean>) deleted);
    }

    /** {@code marketing_opt_in} → {@code marketingOptIn}, unless overridden. */
    static String attributeOf(String column, Map<String, String> overrides) {
        String override = overrides.get(column);
        if (override != null) {
            return override;
        }
        StringBuilder attribute = new StringBuilder(column.length());
        boolean upper = false;
        for (char c : column.toCharArray()) {
            if (c == '_') {
                upper = attribute.length() > 0;
            } else {
                attribute.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return attribute.toString();
    }

    public Table<?> table() {
        return table;
    }

    public Column key() {
        return key;
    }

    public List<Column> data() {
        return data;
    }

    public Field<BigInteger> sequence() {
        return sequence;
    }

    public Field<Boolean> deleted() {
        return deleted;
    }
}
