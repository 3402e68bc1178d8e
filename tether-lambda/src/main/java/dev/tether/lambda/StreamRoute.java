package dev.tether.lambda;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jooq.Table;

/**
 * How one DynamoDB table's stream lands in one MySQL table. The MySQL table needs a primary key of the item's key
 * attributes (the partition key, and the sort key if the DynamoDB table has one), a column {@code stream_sequence
 * DECIMAL(40,0) NOT NULL} and a column {@code deleted BOOLEAN NOT NULL}; every other column is filled from the
 * item's image, by convention from the attribute of the same name in camelCase ({@code is_default} from
 * {@code isDefault}), and must be nullable (a tombstone empties it).
 *
 * <p>Records reach a route by the table name in their {@code eventSourceARN}: by default the route whose MySQL table
 * is that name in snake_case ({@code UserProfiles} → {@code user_profiles}); {@link #of(String, Table)}
 * names the DynamoDB table explicitly. Mapping hooks change how columns are filled: {@link #attribute} (another
 * attribute name), {@link #path} (a nested attribute), {@link #computed} (any function of the image) and
 * {@link #skip} (a column replication leaves alone).
 *
 * <p>A route is an immutable value built once, at init; each method returns a new route.
 */
public final class StreamRoute {

    private final String source;
    private final Table<?> table;
    private final Map<String, String> attributes;
    private final Map<String, List<String>> paths;
    private final Map<String, Function<Map<String, AttributeValue>, Object>> computed;
    private final Set<String> skipped;
    private final TtlDeletes ttlDeletes;

    private StreamRoute(
            String source,
            Table<?> table,
            Map<String, String> attributes,
            Map<String, List<String>> paths,
            Map<String, Function<Map<String, AttributeValue>, Object>> computed,
            Set<String> skipped,
            TtlDeletes ttlDeletes) {
        this.source = source;
        this.table = table;
        this.attributes = Map.copyOf(attributes);
        this.paths = Map.copyOf(paths);
        this.computed = Map.copyOf(computed);
        this.skipped = Set.copyOf(skipped);
        this.ttlDeletes = ttlDeletes;
    }

    /** Replicates the DynamoDB table whose name is {@code table}'s in CamelCase ({@code user_profiles} ← {@code UserProfiles}). */
    public static StreamRoute to(Table<?> table) {
        Objects.requireNonNull(table, "table");
        return new StreamRoute(null, table, Map.of(), Map.of(), Map.of(), Set.of(), TtlDeletes.TOMBSTONE);
    }

    /**
     * Replicates the DynamoDB table named {@code dynamoDbTable} into the table of the handler's schema whose name
     * is its snake_case ({@code UserProfiles} → {@code user_profiles}).
     */
    public static StreamRoute from(String dynamoDbTable) {
        if (dynamoDbTable == null || dynamoDbTable.isBlank()) {
            throw new IllegalArgumentException("name the DynamoDB table");
        }
        return new StreamRoute(dynamoDbTable, null, Map.of(), Map.of(), Map.of(), Set.of(), TtlDeletes.TOMBSTONE);
    }

    /** Replicates the DynamoDB table named {@code dynamoDbTable} into {@code table}. */
    public static StreamRoute of(String dynamoDbTable, Table<?> table) {
        Objects.requireNonNull(table, "table");
        if (dynamoDbTable == null || dynamoDbTable.isBlank()) {
            throw new IllegalArgumentException("name the DynamoDB table, or use StreamRoute.to(table)");
        }
        return new StreamRoute(dynamoDbTable, table, Map.of(), Map.of(), Map.of(), Set.of(), TtlDeletes.TOMBSTONE);
    }

    /** This route, filling {@code column} from the top-level attribute {@code attribute}. */
    public StreamRoute attribute(String column, String attribute) {
        Map<String, String> next = new LinkedHashMap<>(attributes);
        next.put(requireColumn(column), Objects.requireNonNull(attribute, "attribute"));
        return new StreamRoute(source, table, next, paths, computed, skipped, ttlDeletes);
    }

    /** This route, filling {@code column} from a nested attribute: {@code path("city", "address", "city")}. */
    public StreamRoute path(String column, String... path) {
        if (path.length == 0) {
            throw new IllegalArgumentException("a path names at least one attribute");
        }
        Map<String, List<String>> next = new LinkedHashMap<>(paths);
        next.put(requireColumn(column), List.copyOf(Arrays.asList(path)));
        return new StreamRoute(source, table, attributes, next, computed, skipped, ttlDeletes);
    }

    /**
     * This route, filling {@code column} with {@code function} of the new image (a value of the column's Java type,
     * or null). A function that throws makes that record the checkpoint, with its message.
     */
    public StreamRoute computed(String column, Function<Map<String, AttributeValue>, Object> function) {
        Map<String, Function<Map<String, AttributeValue>, Object>> next = new LinkedHashMap<>(computed);
        next.put(requireColumn(column), Objects.requireNonNull(function, "function"));
        return new StreamRoute(source, table, attributes, paths, next, skipped, ttlDeletes);
    }

    /** This route, never writing {@code columns}: replication leaves their values (or defaults) alone. */
    public StreamRoute skip(String... columns) {
        Set<String> next = new LinkedHashSet<>(skipped);
        for (String column : columns) {
            next.add(requireColumn(column));
        }
        return new StreamRoute(source, table, attributes, paths, computed, next, ttlDeletes);
    }

    /** This route, treating REMOVEs made by time to live as {@code policy} says. */
    public StreamRoute ttlDeletes(TtlDeletes policy) {
        return new StreamRoute(
                source, table, attributes, paths, computed, skipped, Objects.requireNonNull(policy, "policy"));
    }

    /** The DynamoDB table name, or null for the convention. */
    public String source() {
        return source;
    }

    /** The MySQL table; null for {@link #from(String)}, which the handler finds in its schema. */
    public Table<?> table() {
        return table;
    }

    /** Column → attribute renames. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** Column → nested attribute paths. */
    public Map<String, List<String>> paths() {
        return paths;
    }

    /** Column → computed values. */
    public Map<String, Function<Map<String, AttributeValue>, Object>> computed() {
        return computed;
    }

    /** Columns replication does not write. */
    public Set<String> skipped() {
        return skipped;
    }

    /** The TTL-delete policy. */
    public TtlDeletes ttlDeletes() {
        return ttlDeletes;
    }

    /** This route's table and mappings, for the DynamoDB table named {@code dynamoDbTable}. */
    public StreamRoute source(String dynamoDbTable) {
        if (dynamoDbTable == null || dynamoDbTable.isBlank()) {
            throw new IllegalArgumentException("name the DynamoDB table");
        }
        return new StreamRoute(dynamoDbTable, table, attributes, paths, computed, skipped, ttlDeletes);
    }

    /** This route's mappings, into {@code newTable}. */
    public StreamRoute into(Table<?> newTable) {
        return new StreamRoute(
                sourceName(),
                Objects.requireNonNull(newTable, "newTable"),
                attributes,
                paths,
                computed,
                skipped,
                ttlDeletes);
    }

    /** The DynamoDB table name this route serves: its own, or {@code table}'s name in CamelCase. */
    public String sourceName() {
        return source != null ? source : camelCase(table.getName());
    }

    /** {@code user_profiles} → {@code UserProfiles}. */
    static String camelCase(String snake) {
        StringBuilder name = new StringBuilder(snake.length());
        boolean upper = true;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    /** {@code UserProfiles} → {@code user_profiles}; runs of capitals stay one word ({@code SKUCodes} → {@code sku_codes}). */
    public static String snakeCase(String camel) {
        StringBuilder name = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean previousLower =
                        i > 0 && (Character.isLowerCase(camel.charAt(i - 1)) || Character.isDigit(camel.charAt(i - 1)));
                boolean nextLower = i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
                boolean previousUpper = i > 0 && Character.isUpperCase(camel.charAt(i - 1));
                if (name.length() > 0
                        && name.charAt(name.length() - 1) != '_'
                        && (previousLower || previousUpper && nextLower)) {
                    name.append('_');
                }
                name.append(Character.toLowerCase(c));
            } else if (c == '-' || c == '.') {
                name.append('_');
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    private static String requireColumn(String column) {
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("a column name must not be blank");
        }
        return column;
    }

    @Override
    public String toString() {
        return "StreamRoute[" + sourceName() + " → " + (table == null ? snakeCase(source) : table.getName()) + "]";
    }
}
