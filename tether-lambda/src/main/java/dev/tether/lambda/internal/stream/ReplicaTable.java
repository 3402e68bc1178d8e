package dev.tether.lambda.internal.stream;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.tether.lambda.StreamRoute;
import dev.tether.lambda.TtlDeletes;
import dev.tether.lambda.config.ConfigException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.UniqueKey;

/**
 * A table that a DynamoDB stream replicates into, checked at init against its jOOQ metadata: a primary key (the
 * item's partition key, and its sort key if it has one), the data columns with where each value comes from, and the
 * two bookkeeping columns {@code stream_sequence} (DECIMAL(40,0)) and {@code deleted} (BOOLEAN).
 */
public final class ReplicaTable {

    static final String SEQUENCE_COLUMN = "stream_sequence";
    static final String DELETED_COLUMN = "deleted";

    private final String source;
    private final Table<?> table;
    private final List<Column> keys;
    private final List<Column> data;
    private final Field<BigInteger> sequence;
    private final Field<Boolean> deleted;
    private final TtlDeletes ttlDeletes;

    /**
     * A column and what fills it: a top-level attribute, a nested attribute path, or a function of the image
     * (exactly one of {@code path} and {@code computed} is set, or neither for a top-level attribute).
     */
    public record Column(
            Field<?> field,
            String attribute,
            List<String> path,
            Function<Map<String, AttributeValue>, Object> computed) {

        /** A column filled from the top-level attribute {@code attribute}. */
        public Column(Field<?> field, String attribute) {
            this(field, attribute, null, null);
        }

        /** Where the value comes from, for error messages. */
        String origin() {
            if (computed != null) {
                return "computed value";
            }
            return "attribute '" + (path != null ? String.join(".", path) : attribute) + "'";
        }
    }

    private ReplicaTable(
            String source,
            Table<?> table,
            List<Column> keys,
            List<Column> data,
            Field<BigInteger> sequence,
            Field<Boolean> deleted,
            TtlDeletes ttlDeletes) {
        this.source = source;
        this.table = table;
        this.keys = List.copyOf(keys);
        this.data = List.copyOf(data);
        this.sequence = sequence;
        this.deleted = deleted;
        this.ttlDeletes = ttlDeletes;
    }

    /**
     * Checks {@code route} against its table; {@code attributeOverrides} (column → attribute, from configuration)
     * apply on top of the route's own. A mismatch is a configuration error naming what to fix.
     */
    @SuppressWarnings("unchecked")
    public static ReplicaTable resolve(StreamRoute route, Map<String, String> attributeOverrides, TtlDeletes ttl) {
        Table<?> table = route.table();
        String name = table.getName();
        UniqueKey<?> primaryKey = table.getPrimaryKey();
        if (primaryKey == null || primaryKey.getFields().isEmpty()) {
            throw new ConfigException("table " + name + " needs a primary key (the item's partition key, and its"
                    + " sort key if it has one) to replicate into");
        }
        Field<?> sequence = table.field(SEQUENCE_COLUMN);
        Field<?> deleted = table.field(DELETED_COLUMN);
        if (sequence == null || sequence.getType() != BigInteger.class) {
            throw new ConfigException(
                    "table " + name + " needs a column " + SEQUENCE_COLUMN + " DECIMAL(40,0) NOT NULL");
        }
        if (deleted == null || deleted.getType() != Boolean.class) {
            throw new ConfigException("table " + name + " needs a column " + DELETED_COLUMN + " BOOLEAN NOT NULL");
        }
        Map<String, String> renames = new LinkedHashMap<>(route.attributes());
        renames.putAll(attributeOverrides);
        Set<String> keyNames = new HashSet<>();
        primaryKey.getFields().forEach(f -> keyNames.add(f.getName()));
        Set<String> bookkeeping = Set.of(SEQUENCE_COLUMN, DELETED_COLUMN);
        List<String> hooked = new ArrayList<>(renames.keySet());
        hooked.addAll(route.paths().keySet());
        hooked.addAll(route.computed().keySet());
        hooked.addAll(route.skipped());
        for (String column : hooked) {
            if (table.field(column) == null) {
                throw new ConfigException("a mapping of table " + name + " names column '" + column
                        + "', which the table does not have; columns: "
                        + List.of(table.fields()).stream().map(Field::getName).toList());
            }
            if (bookkeeping.contains(column)) {
                throw new ConfigException(
                        "column " + name + "." + column + " is Tether's bookkeeping; no mapping" + " may fill it");
            }
        }
        for (String column : keyNames) {
            if (route.paths().containsKey(column)
                    || route.computed().containsKey(column)
                    || route.skipped().contains(column)) {
                throw new ConfigException("key column " + name + "." + column + " comes from the record's Keys; only"
                        + " .attribute(column, name) may rename it");
            }
        }
        List<Column> keys = new ArrayList<>();
        for (Field<?> field : primaryKey.getFields()) {
            keys.add(new Column(table.field(field.getName()), attributeOf(field.getName(), renames)));
        }
        List<Column> data = new ArrayList<>();
        for (Field<?> field : table.fields()) {
            String column = field.getName();
            if (keyNames.contains(column)
                    || bookkeeping.contains(column)
                    || route.skipped().contains(column)) {
                continue;
            }
            if (!field.getDataType().nullable()) {
                throw new ConfigException("column " + name + "." + column + " must be nullable to replicate into: a"
                        + " REMOVE leaves a tombstone with empty data columns (or skip it: .skip(\"" + column + "\"))");
            }
            data.add(new Column(
                    field,
                    attributeOf(column, renames),
                    route.paths().get(column),
                    route.computed().get(column)));
        }
        return new ReplicaTable(
                route.sourceName(),
                table,
                keys,
                data,
                (Field<BigInteger>) sequence,
                (Field<Boolean>) deleted,
                ttl != null ? ttl : route.ttlDeletes());
    }

    /** {@code marketing_opt_in} → {@code marketingOptIn}, unless renamed. */
    static String attributeOf(String column, Map<String, String> renames) {
        String rename = renames.get(column);
        if (rename != null) {
            return rename;
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

    /** The DynamoDB table whose records land here. */
    public String source() {
        return source;
    }

    public Table<?> table() {
        return table;
    }

    /** The key columns, in primary-key order. */
    public List<Column> keys() {
        return keys;
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

    /** What a REMOVE made by time to live does. */
    public TtlDeletes ttlDeletes() {
        return ttlDeletes;
    }
}
