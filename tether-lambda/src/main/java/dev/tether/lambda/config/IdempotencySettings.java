package dev.tether.lambda.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How duplicates are recognised and suppressed.
 *
 * @param mode which idempotency flow runs ({@code TETHER_IDEMPOTENCY})
 * @param keyExpression JMESPath over the SQS message that yields the idempotency key ({@code TETHER_IDEMPOTENCY_KEY})
 * @param fallbackToMessageId use the SQS messageId when the key expression finds nothing
 *     ({@code TETHER_IDEMPOTENCY_KEY_FALLBACK=messageId})
 * @param payloadExpression JMESPath over the SQS message whose hash must match for a repeated key
 *     ({@code TETHER_IDEMPOTENCY_PAYLOAD})
 * @param expiry how long a completed key suppresses repeats ({@code TETHER_IDEMPOTENCY_EXPIRY}, ISO-8601 or seconds)
 * @param functionName prefix of stored keys, as Powertools forms it ({@code AWS_LAMBDA_FUNCTION_NAME})
 * @param dynamoDbTable the DynamoDB table of the powertools-dynamodb mode ({@code TETHER_IDEMPOTENCY_TABLE})
 * @param dynamoDbEndpoint an endpoint override for DynamoDB, for local servers ({@code TETHER_DYNAMODB_ENDPOINT})
 */
public record IdempotencySettings(
        Mode mode,
        String keyExpression,
        boolean fallbackToMessageId,
        String payloadExpression,
        Duration expiry,
        String functionName,
        String dynamoDbTable,
        String dynamoDbEndpoint) {

    public static final String MODE = "TETHER_IDEMPOTENCY";
    public static final String KEY = "TETHER_IDEMPOTENCY_KEY";
    public static final String KEY_FALLBACK = "TETHER_IDEMPOTENCY_KEY_FALLBACK";
    public static final String PAYLOAD = "TETHER_IDEMPOTENCY_PAYLOAD";
    public static final String EXPIRY = "TETHER_IDEMPOTENCY_EXPIRY";
    public static final String TABLE = "TETHER_IDEMPOTENCY_TABLE";
    public static final String DYNAMODB_ENDPOINT = "TETHER_DYNAMODB_ENDPOINT";

    /** The producer's event id inside the JSON body. */
    public static final String DEFAULT_KEY_EXPRESSION = "powertools_json(body).eventId";

    /** The whole body: the same key with any other body is an error. */
    public static final String DEFAULT_PAYLOAD_EXPRESSION = "powertools_json(body)";

    /**
     * 14 days: the longest an SQS message can live (the maximum retention period), so no redelivery of a message
     * can outlive the record that suppresses it.
     */
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(14);

    /** Powertools' function name when {@code AWS_LAMBDA_FUNCTION_NAME} is not set. */
    public static final String DEFAULT_FUNCTION_NAME = "testFunction";

    /** The idempotency flows. */
    public enum Mode {
        /** No duplicate suppression: every delivery applies. */
        NONE("none"),
        /** Records written in the batch's own transaction, a constant number of statements per batch. */
        TRANSACTIONAL("transactional"),
        /** Powertools' {@code @Idempotent} flow per record, records in MySQL on the same link. */
        POWERTOOLS_MYSQL("powertools-mysql"),
        /** Powertools' {@code @Idempotent} flow per record, records in DynamoDB. */
        POWERTOOLS_DYNAMODB("powertools-dynamodb");

        private final String setting;

        Mode(String setting) {
            this.setting = setting;
        }

        /** The value of {@code TETHER_IDEMPOTENCY} that selects this mode. */
        public String setting() {
            return setting;
        }

        static Mode parse(String value) {
            for (Mode mode : values()) {
                if (mode.setting.equals(value.toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw new ConfigException(MODE + " must be one of none, transactional, powertools-mysql,"
                    + " powertools-dynamodb; got '" + value + "'");
        }
    }

    /** The defaults: transactional, keyed by the body's eventId, no fallback, whole-body validation, 14 days. */
    public static IdempotencySettings defaults() {
        return new IdempotencySettings(
                Mode.TRANSACTIONAL,
                DEFAULT_KEY_EXPRESSION,
                false,
                DEFAULT_PAYLOAD_EXPRESSION,
                DEFAULT_EXPIRY,
                DEFAULT_FUNCTION_NAME,
                null,
                null);
    }

    static IdempotencySettings fromEnvironment(Map<String, String> env) {
        Mode mode = Mode.parse(valueOr(env, MODE, Mode.TRANSACTIONAL.setting()));
        String fallback = valueOr(env, KEY_FALLBACK, "none");
        if (!fallback.equals("none") && !fallback.equals("messageId")) {
            throw new ConfigException(KEY_FALLBACK + " must be none or messageId; got '" + fallback + "'");
        }
        String table = valueOr(env, TABLE, null);
        if (mode == Mode.POWERTOOLS_DYNAMODB && table == null) {
            throw new ConfigException(TABLE + " is required when " + MODE + "=powertools-dynamodb: the name of the"
                    + " DynamoDB table that holds the idempotency records (partition key 'id', string)");
        }
        return new IdempotencySettings(
                mode,
                valueOr(env, KEY, DEFAULT_KEY_EXPRESSION),
                fallback.equals("messageId"),
                valueOr(env, PAYLOAD, DEFAULT_PAYLOAD_EXPRESSION),
                expiry(valueOr(env, EXPIRY, null)),
                valueOr(env, "AWS_LAMBDA_FUNCTION_NAME", DEFAULT_FUNCTION_NAME),
                table,
                valueOr(env, DYNAMODB_ENDPOINT, null));
    }

    /** A copy in another mode. */
    public IdempotencySettings withMode(Mode newMode) {
        return new IdempotencySettings(
                newMode,
                keyExpression,
                fallbackToMessageId,
                payloadExpression,
                expiry,
                functionName,
                dynamoDbTable,
                dynamoDbEndpoint);
    }

    /** A copy with another expiry. */
    public IdempotencySettings withExpiry(Duration newExpiry) {
        return new IdempotencySettings(
                mode,
                keyExpression,
                fallbackToMessageId,
                payloadExpression,
                newExpiry,
                functionName,
                dynamoDbTable,
                dynamoDbEndpoint);
    }

    /** A copy that falls back to the SQS messageId, or not. */
    public IdempotencySettings withFallbackToMessageId(boolean fallback) {
        return new IdempotencySettings(
                mode,
                keyExpression,
                fallback,
                payloadExpression,
                expiry,
                functionName,
                dynamoDbTable,
                dynamoDbEndpoint);
    }

    /** A copy that keeps its records in a DynamoDB table, reached at {@code endpoint} when not null. */
    public IdempotencySettings withDynamoDb(String table, String endpoint) {
        return new IdempotencySettings(
                mode, keyExpression, fallbackToMessageId, payloadExpression, expiry, functionName, table, endpoint);
    }

    private static Duration expiry(String value) {
        if (value == null) {
            return DEFAULT_EXPIRY;
        }
        Duration duration;
        try {
            duration = value.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (RuntimeException e) {
            throw new ConfigException(
                    EXPIRY + " must be an ISO-8601 duration (P14D, PT1H) or whole seconds; got '" + value + "'");
        }
        if (duration.getSeconds() < 1) {
            throw new ConfigException(EXPIRY + " must be at least one second; got '" + value + "'");
        }
        return duration;
    }

    private static String valueOr(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
