package dev.tether.lambda.internal.idempotency;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.config.IdempotencySettings;
import io.burt.jmespath.Expression;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import software.amazon.lambda.powertools.utilities.JsonConfig;

/**
 * Derives a message's idempotency key and payload hash exactly as Powertools (v1) does, so that records written by
 * the transactional mode and by Powertools' own flow are the same records: the key and payload expressions are
 * JMESPath (with Powertools' {@code powertools_json} function) over the SQS message as Powertools serializes it, and
 * the stored id is {@code <function name>.apply#<MD5 of the key>}.
 */
public final class IdempotencyKeys {

    /** The name of the {@code @Idempotent} method in the Powertools flows; part of every stored id. */
    public static final String METHOD = "apply";

    private static final int MAX_DISPLAY = 100;
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();
    private static final MessageDigest MD5 = md5();

    /**
     * Jackson's defaults with duplicate names detected: the tree keeps the last of two equal names, a copy of the
     * tokens would keep both, so a duplicate sends the body to the tree.
     */
    private final JsonFactory tokens = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final ObjectMapper mapper;
    private final Expression<JsonNode> keyExpression;
    private final Expression<JsonNode> payloadExpression;
    private final String idPrefix;
    private final String keyField;
    private final String bodyField;
    private final boolean defaultExpressions;
    private final boolean fallbackToMessageId;

    /** Keys of the default expression, {@link IdempotencySettings#keyExpression()}. */
    public IdempotencyKeys(IdempotencySettings settings) {
        this(settings, settings.keyExpression());
    }

    /**
     * Keys of {@code expression} (JMESPath over the SQS message, before the messageId fallback the settings may add),
     * with the payload expression, prefix and fallback of {@code settings}.
     */
    public IdempotencyKeys(IdempotencySettings settings, String expression) {
        JsonConfig json = JsonConfig.get();
        this.mapper = json.getObjectMapper();
        String effective = settings.fallbackToMessageId() ? "(" + expression + ") || messageId" : expression;
        this.keyExpression = compile(json, effective, IdempotencySettings.KEY);
        this.payloadExpression = compile(json, settings.payloadExpression(), IdempotencySettings.PAYLOAD);
        this.idPrefix = settings.functionName() + "." + METHOD + "#";
        java.util.regex.Matcher top = TOP_LEVEL_FIELD.matcher(expression);
        this.bodyField = top.matches() ? top.group(1) : null;
        this.keyField = bodyField != null ? bodyField : "idempotency key (" + expression + ")";
        this.defaultExpressions = bodyField != null
                && settings.payloadExpression().equals(IdempotencySettings.DEFAULT_PAYLOAD_EXPRESSION);
        this.fallbackToMessageId = settings.fallbackToMessageId();
    }

    /** {@code powertools_json(body).name}: a top-level field of the body, which the fast paths read directly. */
    private static final java.util.regex.Pattern TOP_LEVEL_FIELD =
            java.util.regex.Pattern.compile("powertools_json\\(body\\)\\.([A-Za-z_][A-Za-z0-9_]*)");

    /**
     * A message's key.
     *
     * @param id the stored record id
     * @param value the key itself, for error messages
     * @param payloadHash MD5 of the payload expression
     */
    public record Key(String id, String value, String payloadHash) {}

    /** The key of {@code message}; a message whose key expression finds nothing is invalid. */
    public Key of(SQSMessage message) throws InvalidMessageException {
        if (defaultExpressions) {
            Key streamed = streamed(message);
            if (streamed != null) {
                return streamed;
            }
        }
        JsonNode key;
        JsonNode payload;
        if (defaultExpressions) {
            // The default expressions, evaluated directly: the body parsed once with Powertools' own mapper is what
            // powertools_json(body) yields, and its field is what powertools_json(body).field yields. Exactly the
            // same nodes, so the same hashes, without serializing the whole message into a tree first.
            try {
                payload = mapper.readTree(message.getBody());
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new InvalidMessageException("body", "is not valid JSON");
            }
            key = payload.get(bodyField);
            if (fallbackToMessageId && !isTruthy(key)) {
                key = com.fasterxml.jackson.databind.node.TextNode.valueOf(message.getMessageId());
            }
        } else {
            try {
                JsonNode tree = mapper.valueToTree(message);
                key = keyExpression.search(tree);
                payload = payloadExpression.search(tree);
            } catch (RuntimeException e) {
                throw new InvalidMessageException(
                        keyField, "could not be evaluated: " + e.getClass().getSimpleName());
            }
        }
        if (isMissing(key)) {
            throw new InvalidMessageException(
                    keyField,
                    "is required: it is the idempotency key (set " + IdempotencySettings.KEY_FALLBACK
                            + "=messageId to fall back to the SQS messageId)");
        }
        String value = key.isTextual() ? key.asText() : key.toString();
        return new Key(
                idPrefix + hash(key),
                value.length() <= MAX_DISPLAY ? value : value.substring(0, MAX_DISPLAY) + "…",
                hash(payload));
    }

    /**
     * The default expressions without a tree: the body's tokens are copied through a generator, which writes them
     * exactly as the tree's {@code toString()} would (Powertools hashes that text), and the top-level
     * {@code eventId} is taken as it passes. Returns null, for the tree to decide, for anything the copy could
     * render differently (a float, whose text the tree may normalise; a duplicated name, which the tree collapses)
     * or that is not a plain key (an eventId that is not a non-empty string, unless the messageId stands in).
     */
    Key streamed(SQSMessage message) {
        String body = message.getBody();
        if (body == null) {
            return null;
        }
        // Characters, then UTF-8, as the tree's toString() and getBytes do: Jackson's byte generator would write
        // a supplementary character as two three-byte surrogates.
        java.io.StringWriter canonical = new java.io.StringWriter(body.length() + 16);
        String eventId = null;
        try (JsonParser parser = tokens.createParser(body);
                JsonGenerator generator = tokens.createGenerator(canonical)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            generator.copyCurrentEvent(parser);
            int depth = 1;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == null || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    return null;
                }
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                } else if (depth == 1 && token == JsonToken.FIELD_NAME && bodyField.equals(parser.currentName())) {
                    generator.copyCurrentEvent(parser);
                    if (parser.nextToken() != JsonToken.VALUE_STRING || eventId != null) {
                        return null;
                    }
                    eventId = parser.getText();
                }
                generator.copyCurrentEvent(parser);
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        if (eventId == null || eventId.isEmpty()) {
            if (!fallbackToMessageId || message.getMessageId() == null) {
                return null;
            }
            eventId = message.getMessageId();
        }
        return new Key(
                idPrefix + md5Hex(eventId.getBytes(StandardCharsets.UTF_8)),
                eventId.length() <= MAX_DISPLAY ? eventId : eventId.substring(0, MAX_DISPLAY) + "…",
                md5Hex(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The key and payload nodes of {@code message} as Powertools evaluates them (over the message's tree), for the
     * Powertools flows.
     */
    public IdempotentApplier.Input powertoolsInput(SQSMessage message) {
        JsonNode tree = mapper.valueToTree(message);
        return new IdempotentApplier.Input(keyExpression.search(tree), payloadExpression.search(tree));
    }

    /** JMESPath's truth for {@code ||}: not null, false, or an empty string, array or object. */
    private static boolean isTruthy(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || (node.isBoolean() && !node.booleanValue())) {
            return false;
        }
        if (node.isTextual()) {
            return !node.textValue().isEmpty();
        }
        return !node.isContainerNode() || node.size() > 0;
    }

    /** Powertools' test of a missing key: null, or a container whose members are all null. */
    private static boolean isMissing(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (Iterator<JsonNode> members = node.elements(); members.hasNext(); ) {
                if (!members.next().isNull()) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Powertools' hash: MD5 over the JSON text of containers, the plain value of scalars, as 32 hex digits. */
    static String hash(JsonNode node) {
        Object value;
        if (node == null) {
            value = "null";
        } else if (node.isContainerNode()) {
            value = node.toString();
        } else if (node.isTextual()) {
            value = node.asText();
        } else if (node.isInt()) {
            value = node.asInt();
        } else if (node.isLong()) {
            value = node.asLong();
        } else if (node.isDouble()) {
            value = node.asDouble();
        } else if (node.isFloat()) {
            value = node.floatValue();
        } else if (node.isBigInteger()) {
            value = node.bigIntegerValue();
        } else if (node.isBigDecimal()) {
            value = node.decimalValue();
        } else if (node.isBoolean()) {
            value = node.asBoolean();
        } else {
            value = node;
        }
        return md5Hex(value.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** MD5 as 32 lower-case hex digits: Powertools writes String.format("%032x", new BigInteger(1, digest)). */
    private static String md5Hex(byte[] bytes) {
        try {
            // Cloning the prototype skips the provider lookup that getInstance makes on every call.
            return HEX.formatHex(((MessageDigest) MD5.clone()).digest(bytes));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the MD5 digest cannot be cloned", e);
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    private static Expression<JsonNode> compile(JsonConfig json, String expression, String variable) {
        try {
            return json.getJmesPath().compile(expression);
        } catch (RuntimeException e) {
            throw new ConfigException(
                    variable + " is not a valid JMESPath expression: '" + expression + "' (" + e.getMessage() + ")");
        }
    }
}
