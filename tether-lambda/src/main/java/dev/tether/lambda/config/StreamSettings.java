package dev.tether.lambda.config;

import dev.tether.lambda.TtlDeletes;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Configuration of stream replication, on top of the routes a handler declares in code.
 *
 * @param table the table the handler's first route replicates into instead of its own ({@code TETHER_STREAM_TABLE});
 *     null: the route's
 * @param attributeOverrides column to attribute names of the first route where the convention ({@code snake_case}
 *     column, {@code camelCase} attribute) does not hold ({@code TETHER_STREAM_ATTRIBUTES}, as
 *     {@code column=attribute,...})
 * @param routes DynamoDB table to MySQL table, for tables the code does not route or routes elsewhere
 *     ({@code TETHER_STREAM_ROUTES}, as {@code DynamoTable=mysql_table,...})
 * @param ttlDeletes what a REMOVE made by time to live does, per DynamoDB table, {@code *} for every table
 *     ({@code TETHER_STREAM_TTL_DELETES}: {@code tombstone} or {@code keep}, or {@code DynamoTable=keep,...})
 */
public record StreamSettings(
        String table,
        Map<String, String> attributeOverrides,
        Map<String, String> routes,
        Map<String, TtlDeletes> ttlDeletes) {

    public static final String TABLE = "TETHER_STREAM_TABLE";
    public static final String ATTRIBUTES = "TETHER_STREAM_ATTRIBUTES";
    public static final String ROUTES = "TETHER_STREAM_ROUTES";
    public static final String TTL_DELETES = "TETHER_STREAM_TTL_DELETES";

    /** The key of {@link #ttlDeletes()} that applies to every table. */
    public static final String EVERY_TABLE = "*";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,254}");

    public StreamSettings {
        attributeOverrides = Map.copyOf(attributeOverrides);
        routes = Map.copyOf(routes);
        ttlDeletes = Map.copyOf(ttlDeletes);
    }

    /** Nothing beyond the routes in code. */
    public static StreamSettings defaults() {
        return new StreamSettings(null, Map.of(), Map.of(), Map.of());
    }

    /** A copy whose first route replicates into {@code newTable}. */
    public StreamSettings withTable(String newTable) {
        return new StreamSettings(newTable, attributeOverrides, routes, ttlDeletes);
    }

    /** The TTL policy configured for DynamoDB table {@code source}, or null for the route's own. */
    public TtlDeletes ttlDeletesOf(String source) {
        TtlDeletes own = ttlDeletes.get(source);
        return own != null ? own : ttlDeletes.get(EVERY_TABLE);
    }

    static StreamSettings fromEnvironment(Map<String, String> env) {
        String table = env.getOrDefault(TABLE, "").trim();
        Map<String, String> overrides = pairs(env, ATTRIBUTES, "column=attribute", "marketing_opt_in=optIn");
        Map<String, String> routes = pairs(env, ROUTES, "DynamoTable=mysql_table", "UserProfiles=user_profiles");
        Map<String, TtlDeletes> ttl = new LinkedHashMap<>();
        String ttlValue = env.getOrDefault(TTL_DELETES, "").trim();
        if (!ttlValue.isEmpty()) {
            if (!ttlValue.contains("=")) {
                ttl.put(EVERY_TABLE, ttlPolicy(ttlValue));
            } else {
                pairs(env, TTL_DELETES, "DynamoTable=keep", "Sessions=keep")
                        .forEach((source, policy) -> ttl.put(source, ttlPolicy(policy)));
            }
        }
        return new StreamSettings(table.isEmpty() ? null : table, overrides, routes, ttl);
    }

    private static TtlDeletes ttlPolicy(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "tombstone" -> TtlDeletes.TOMBSTONE;
            case "keep" -> TtlDeletes.KEEP_ROW;
            default ->
                throw new ConfigException(TTL_DELETES + " must be tombstone or keep (or DynamoTable=keep"
                        + " pairs separated by commas); got '" + value.trim() + "'");
        };
    }

    private static Map<String, String> pairs(Map<String, String> env, String variable, String shape, String example) {
        String value = env.getOrDefault(variable, "").trim();
        Map<String, String> parsed = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return parsed;
        }
        for (String pair : value.split(",")) {
            String[] parts = pair.trim().split("=", -1);
            if (parts.length != 2
                    || !NAME.matcher(parts[0].trim()).matches()
                    || !NAME.matcher(parts[1].trim()).matches()) {
                throw new ConfigException(variable + " must be " + shape + " pairs separated by commas, e.g. " + example
                        + "; got '" + pair.trim() + "'");
            }
            parsed.put(parts[0].trim(), parts[1].trim());
        }
        return parsed;
    }
}
