package dev.tether.processor.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which table a DynamoDB stream replicates into, and how attributes name columns.
 *
 * @param table the target table, one of the tables in {@code schema/} ({@code TETHER_STREAM_TABLE}, default
 *     {@code customers})
 * @param attributeOverrides column to attribute names where the convention ({@code snake_case} column, {@code
 *     camelCase} attribute) does not hold ({@code TETHER_STREAM_ATTRIBUTES}, as {@code column=attribute,...})
 */
public record StreamSettings(String table, Map<String, String> attributeOverrides) {

    public static final String TABLE = "TETHER_STREAM_TABLE";
    public static final String ATTRIBUTES = "TETHER_STREAM_ATTRIBUTES";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,254}");

    public StreamSettings {
        attributeOverrides = Map.copyOf(attributeOverrides);
    }

    /** The Customers table, by convention. */
    public static StreamSettings defaults() {
        return new StreamSettings("customers", Map.of());
    }

    static StreamSettings fromEnvironment(Map<String, String> env) {
        String table = env.getOrDefault(TABLE, "").trim();
        String overrides = env.getOrDefault(ATTRIBUTES, "").trim();
        Map<String, String> parsed = new LinkedHashMap<>();
        if (!overrides.isEmpty()) {
            for (String pair : overrides.split(",")) {
                String[] parts = pair.trim().split("=", -1);
                if (parts.length != 2 || !NAME.matcher(parts[0].trim()).matches()
                        || !NAME.matcher(parts[1].trim()).matches()) {
                    throw new ConfigException(ATTRIBUTES + " must be column=attribute pairs separated by commas,"
                            + " e.g. marketing_opt_in=optIn; got '" + pair.trim() + "'");
                }
                parsed.put(parts[0].trim(), parts[1].trim());
            }
        }
        return new StreamSettings(table.isEmpty() ? "customers" : table, parsed);
    }
}
