package dev.tether.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.tether.lambda.json.JsonChecks;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a queue's messages say which type they carry, and where the event sits in the body. Every envelope checks
 * what it reads (a body that is not the envelope is that message's {@link InvalidMessageException}, naming the
 * field) and proposes the idempotency key a route uses unless it names its own:
 *
 * <ul>
 *   <li>{@link #tether()}: Tether's own, {@code {"eventId": UUID, "type": …, "occurredAt": ISO-8601 instant, "data":
 *       {…}}}; the key is {@code eventId}. Field names can be changed with {@link #tether(String, String, String,
 *       String)}.
 *   <li>{@link #messageAttribute(String)}: the type in an SQS message attribute, the body is the event; the key is
 *       the SQS {@code messageId} (redeliveries are suppressed; a producer's own repeats need a key of the route).
 *   <li>{@link #singleType()}: one type per queue, the body is the event; the key as for a message attribute.
 *   <li>{@link #eventBridge()}: an EventBridge event delivered to SQS; {@code detail-type} is the type,
 *       {@code detail} the event, {@code id} the key.
 *   <li>{@link #sns(Envelope)}: an SNS notification without raw message delivery; {@code Message} holds the inner
 *       envelope (SNS message attributes stand in for SQS ones), {@code MessageId} is the key.
 * </ul>
 *
 * <p>Bodies are read strictly: one JSON value, no duplicated names, nothing after it. Envelopes are immutable and
 * safe to share.
 */
public abstract class Envelope {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Envelope() {}

    /** Tether's envelope with its usual field names: {@code eventId}, {@code type}, {@code occurredAt}, {@code data}. */
    public static Envelope tether() {
        return new Tether("eventId", "type", "occurredAt", "data");
    }

    /** Tether's envelope with other field names. */
    public static Envelope tether(String eventIdField, String typeField, String occurredAtField, String dataField) {
        return new Tether(
                requireName(eventIdField),
                requireName(typeField),
                requireName(occurredAtField),
                requireName(dataField));
    }

    /** The type in the string message attribute {@code name}; the whole body is the event. */
    public static Envelope messageAttribute(String name) {
        return new Attribute(requireName(name));
    }

    /** Every message of the queue is of the one route registered; the whole body is the event. */
    public static Envelope singleType() {
        return new Single();
    }

    /** An EventBridge event ({@code detail-type}, {@code detail}, {@code id}) delivered to SQS by a rule. */
    public static Envelope eventBridge() {
        return new EventBridge();
    }

    /** An SNS notification (raw message delivery off) whose {@code Message} is read with {@code inner}. */
    public static Envelope sns(Envelope inner) {
        Objects.requireNonNull(inner, "inner");
        if (inner instanceof Sns) {
            throw new IllegalArgumentException("an SNS notification does not carry another SNS notification");
        }
        return new Sns(inner);
    }

    /**
     * Opens {@code message}: its type (null for {@link #singleType()}) and the JSON text of its event.
     *
     * @throws InvalidMessageException when the body is not this envelope
     */
    public abstract Incoming open(SQSMessage message) throws InvalidMessageException;

    /** The JMESPath over the SQS message (Powertools' syntax) that yields a message's idempotency key. */
    public abstract String defaultKeyExpression();

    /** Where the type is read, as error messages name it ({@code type}, {@code detail-type}). */
    public abstract String typePath();

    /**
     * A message of {@code type} in this envelope whose event is {@code data}, for priming at init; {@code wholeBody}
     * true: {@code data} is already a whole body in this envelope.
     */
    SQSMessage sample(String type, String data, boolean wholeBody) {
        SQSMessage message = new SQSMessage();
        message.setMessageId("prime");
        message.setAttributes(Map.of());
        message.setMessageAttributes(Map.of());
        message.setBody(wholeBody ? data : sampleBody(type, data));
        return message;
    }

    /** A body of this envelope around {@code data}. */
    String sampleBody(String type, String data) {
        return data;
    }

    static String quote(String text) {
        return "\""
                + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                        .quoteAsString(text)) + "\"";
    }

    /**
     * This envelope for routes that all read their bodies themselves and so check every field: the envelope still
     * recognises the type and finds the data, without checking the formats the readers check again.
     */
    Envelope withOwnReaders() {
        return this;
    }

    /** This envelope, letting a message omit the key it proposes (the SQS messageId stands in for it). */
    Envelope withOptionalEventId() {
        return this;
    }

    /** Whether the type is unknown until a route is chosen by other means (one route per queue). */
    boolean singleRoute() {
        return false;
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a field or attribute name must not be blank");
        }
        return name;
    }

    /**
     * The top-level members an envelope asked for, as read in one pass over the body: for each name of
     * {@code texts}, its token kind and string value; for each name of {@code spans}, its token kind and the
     * characters its value takes. Slots, not maps: a body has a handful of members and a batch thousands of bodies.
     */
    private static final class Members {
        final String[] texts;
        final String[] spans;
        final JsonToken[] textKinds;
        final String[] textValues;
        final JsonToken[] spanKinds;
        final int[] starts;
        final int[] ends;

        Members(String[] texts, String[] spans) {
            this.texts = texts;
            this.spans = spans;
            this.textKinds = new JsonToken[texts.length];
            this.textValues = new String[texts.length];
            this.spanKinds = new JsonToken[spans.length];
            this.starts = new int[spans.length];
            this.ends = new int[spans.length];
        }

        JsonToken kind(String name) {
            int text = indexOf(texts, name);
            if (text >= 0) {
                return textKinds[text];
            }
            int span = indexOf(spans, name);
            return span >= 0 ? spanKinds[span] : null;
        }

        String text(String name) {
            return textValues[indexOf(texts, name)];
        }

        String span(String body, String name) {
            int span = indexOf(spans, name);
            return body.substring(starts[span], ends[span]);
        }
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads the top-level object of {@code body} in one streaming pass: the string value of each name in
     * {@code textNames}, the character span of each name in {@code spanNames}, and the token kind of both.
     */
    private static Members read(String body, String[] textNames, String[] spanNames) throws InvalidMessageException {
        if (body == null || body.isBlank()) {
            throw new InvalidMessageException("body", "is empty; expected a JSON object");
        }
        Members members = new Members(textNames, spanNames);
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidMessageException("body", "must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                int span = indexOf(spanNames, name);
                if (span >= 0) {
                    members.spanKinds[span] = value;
                    members.starts[span] = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    members.ends[span] = (int) parser.currentLocation().getCharOffset();
                    continue;
                }
                int text = indexOf(textNames, name);
                if (text >= 0) {
                    members.textKinds[text] = value;
                    members.textValues[text] = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new InvalidMessageException(
                        "body",
                        "is not valid JSON (content after the object at line " + at.getLineNr() + ", column "
                                + at.getColumnNr() + ")");
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        return members;
    }

    /** A body the JSON reader refused: which of its limits it broke, or where it stopped; never the body's text. */
    private static InvalidMessageException unreadable(IOException e) {
        if (e instanceof StreamConstraintsException limit) {
            return new InvalidMessageException("body", "exceeds a limit of the JSON reader: " + limitOf(limit));
        }
        if (e instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            return new InvalidMessageException(
                    "body",
                    "is not valid JSON"
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        return new InvalidMessageException("body", "could not be read");
    }

    /** Which limit a body broke, in Jackson's words up to the reference to its settings; never the body's text. */
    static String limitOf(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        int settings = message.indexOf(", from `");
        return (settings < 0 ? message : message.substring(0, settings) + ")").replaceAll("\\s+", " ");
    }

    /** A required member holding a string. */
    private static String text(Members members, String name, String path) throws InvalidMessageException {
        JsonToken kind = members.kind(name);
        if (kind == null || kind == JsonToken.VALUE_NULL) {
            throw new InvalidMessageException(path, "is required");
        }
        if (kind != JsonToken.VALUE_STRING) {
            throw new InvalidMessageException(path, "must be a string");
        }
        return members.text(name);
    }

    /** A required member holding an object, as its JSON text. */
    private static String object(Members members, String body, String name, String path)
            throws InvalidMessageException {
        JsonToken kind = members.kind(name);
        if (kind == null || kind == JsonToken.VALUE_NULL) {
            throw new InvalidMessageException(path, "is required");
        }
        if (kind != JsonToken.START_OBJECT) {
            throw new InvalidMessageException(path, "must be a JSON object");
        }
        return members.span(body, name);
    }

    private static final class Tether extends Envelope {
        private final String eventId;
        private final String type;
        private final String occurredAt;
        private final String data;
        private final String[] texts;
        private final String[] spans;
        /** With {@code TETHER_IDEMPOTENCY_KEY_FALLBACK=messageId} a message may omit its eventId. */
        private boolean eventIdOptional;
        /** False when every route reads bodies itself and checks eventId and occurredAt on its own. */
        private boolean checkFormats = true;

        Tether(String eventId, String type, String occurredAt, String data) {
            this.eventId = eventId;
            this.type = type;
            this.occurredAt = occurredAt;
            this.data = data;
            this.texts = new String[] {eventId, type, occurredAt};
            this.spans = new String[] {data};
        }

        @Override
        public Incoming open(SQSMessage message) throws InvalidMessageException {
            return open(message, message.getBody(), "");
        }

        Incoming open(SQSMessage message, String body, String prefix) throws InvalidMessageException {
            if (!checkFormats) {
                // Every route reads the whole body itself, checking every field: only the type is needed here.
                String typeName = peekType(body, prefix);
                return new Incoming(message, typeName, () -> dataOrNull(body), prefix + data);
            }
            Members members = read(body, texts, spans);
            // Always in this order, so that the first fault named for a body is stable.
            JsonToken id = members.kind(eventId);
            if (id != null && id != JsonToken.VALUE_NULL || !eventIdOptional) {
                String value = text(members, eventId, prefix + eventId);
                if (checkFormats) {
                    JsonChecks.uuid(value, prefix + eventId);
                }
            }
            String typeName = text(members, type, prefix + type);
            String at = text(members, occurredAt, prefix + occurredAt);
            if (checkFormats) {
                JsonChecks.instant(at, prefix + occurredAt);
            }
            return new Incoming(message, typeName, object(members, body, data, prefix + data), prefix + data);
        }

        @Override
        Envelope withOptionalEventId() {
            Tether copy = new Tether(eventId, type, occurredAt, data);
            copy.eventIdOptional = true;
            copy.checkFormats = checkFormats;
            return copy;
        }

        /** The top-level type, read up to it and no further. */
        private String peekType(String body, String prefix) throws InvalidMessageException {
            if (body == null || body.isBlank()) {
                throw new InvalidMessageException("body", "is empty; expected a JSON object");
            }
            try (JsonParser parser = JSON.createParser(body)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new InvalidMessageException("body", "must be a JSON object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean isType = type.equals(parser.currentName());
                    JsonToken value = parser.nextToken();
                    if (isType) {
                        if (value == JsonToken.VALUE_NULL) {
                            throw new InvalidMessageException(prefix + type, "is required");
                        }
                        if (value != JsonToken.VALUE_STRING) {
                            throw new InvalidMessageException(prefix + type, "must be a string");
                        }
                        return parser.getText();
                    }
                    parser.skipChildren();
                }
            } catch (IOException e) {
                throw unreadable(e);
            }
            throw new InvalidMessageException(prefix + type, "is required");
        }

        /** The data object's text, found when a reader asks for it; null when the body holds none. */
        private String dataOrNull(String body) {
            try {
                Members members = read(body, texts, spans);
                return members.kind(data) == JsonToken.START_OBJECT ? members.span(body, data) : null;
            } catch (InvalidMessageException e) {
                return null;
            }
        }

        @Override
        Envelope withOwnReaders() {
            Tether copy = new Tether(eventId, type, occurredAt, data);
            copy.eventIdOptional = eventIdOptional;
            copy.checkFormats = false;
            return copy;
        }

        @Override
        public String typePath() {
            return type;
        }

        @Override
        String sampleBody(String typeName, String json) {
            return "{" + quote(eventId) + ":\"00000000-0000-4000-8000-000000000000\"," + quote(type) + ":"
                    + quote(typeName) + "," + quote(occurredAt) + ":\"2026-01-01T00:00:00Z\"," + quote(data) + ":"
                    + json + "}";
        }

        @Override
        public String defaultKeyExpression() {
            return "powertools_json(body)." + eventId;
        }
    }

    private static final class Attribute extends Envelope {
        private final String name;

        Attribute(String name) {
            this.name = name;
        }

        @Override
        public Incoming open(SQSMessage message) throws InvalidMessageException {
            Map<String, MessageAttribute> attributes = message.getMessageAttributes();
            MessageAttribute attribute = attributes == null ? null : attributes.get(name);
            if (attribute == null || attribute.getStringValue() == null) {
                throw new InvalidMessageException(
                        "messageAttributes." + name, "is required: it names the message's type");
            }
            return new Incoming(message, attribute.getStringValue(), requireBody(message), "");
        }

        @Override
        public String typePath() {
            return "messageAttributes." + name;
        }

        @Override
        SQSMessage sample(String type, String data, boolean wholeBody) {
            SQSMessage message = super.sample(type, data, wholeBody);
            MessageAttribute attribute = new MessageAttribute();
            attribute.setDataType("String");
            attribute.setStringValue(type);
            message.setMessageAttributes(Map.of(name, attribute));
            return message;
        }

        @Override
        public String defaultKeyExpression() {
            return "messageId";
        }
    }

    private static final class Single extends Envelope {
        @Override
        public Incoming open(SQSMessage message) throws InvalidMessageException {
            return new Incoming(message, null, requireBody(message), "");
        }

        @Override
        public String typePath() {
            return "type";
        }

        @Override
        public String defaultKeyExpression() {
            return "messageId";
        }

        @Override
        boolean singleRoute() {
            return true;
        }
    }

    private static String requireBody(SQSMessage message) throws InvalidMessageException {
        String body = message.getBody();
        if (body == null || body.isBlank()) {
            throw new InvalidMessageException("body", "is empty; expected a JSON object");
        }
        return body;
    }

    private static final class EventBridge extends Envelope {
        private static final String[] TEXTS = {"id", "detail-type"};
        private static final String[] SPANS = {"detail"};

        @Override
        public Incoming open(SQSMessage message) throws InvalidMessageException {
            String body = message.getBody();
            Members members = read(body, TEXTS, SPANS);
            String id = text(members, "id", "id");
            if (id.isEmpty()) {
                throw new InvalidMessageException("id", "must not be empty");
            }
            String type = text(members, "detail-type", "detail-type");
            return new Incoming(message, type, object(members, body, "detail", "detail"), "detail");
        }

        @Override
        public String typePath() {
            return "detail-type";
        }

        @Override
        String sampleBody(String type, String data) {
            return "{\"version\":\"0\",\"id\":\"00000000-0000-4000-8000-000000000000\",\"detail-type\":" + quote(type)
                    + ",\"source\":\"prime\",\"time\":\"2026-01-01T00:00:00Z\",\"detail\":" + data + "}";
        }

        @Override
        public String defaultKeyExpression() {
            return "powertools_json(body).id";
        }
    }

    private static final class Sns extends Envelope {
        private static final String[] TEXTS = {"Type", "MessageId", "Message"};
        private static final String[] SPANS = {"MessageAttributes"};
        private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
                new com.fasterxml.jackson.databind.ObjectMapper();

        private final Envelope inner;

        Sns(Envelope inner) {
            this.inner = inner;
        }

        @Override
        public Incoming open(SQSMessage message) throws InvalidMessageException {
            String body = message.getBody();
            Members members = read(body, TEXTS, SPANS);
            if (!"Notification".equals(text(members, "Type", "Type"))) {
                throw new InvalidMessageException(
                        "Type",
                        "must be Notification (an SNS notification; is raw message"
                                + " delivery on? then read the queue with the inner envelope itself)");
            }
            if (text(members, "MessageId", "MessageId").isEmpty()) {
                throw new InvalidMessageException("MessageId", "must not be empty");
            }
            String notified = text(members, "Message", "Message");
            SQSMessage unwrapped = new SQSMessage();
            unwrapped.setMessageId(message.getMessageId());
            unwrapped.setBody(notified);
            unwrapped.setAttributes(message.getAttributes());
            unwrapped.setMessageAttributes(snsAttributes(members, body));
            Incoming opened;
            try {
                opened = inner instanceof Tether tether ? tether.open(unwrapped, notified, "") : inner.open(unwrapped);
            } catch (InvalidMessageException e) {
                throw e.under("Message");
            }
            String path = opened.dataPath().isEmpty() ? "Message" : "Message." + opened.dataPath();
            return new Incoming(message, opened.type(), opened::data, path);
        }

        /** SNS's {@code {"name": {"Type": "String", "Value": "…"}}}, as SQS string attributes. */
        private static Map<String, MessageAttribute> snsAttributes(Members members, String body)
                throws InvalidMessageException {
            JsonToken kind = members.kind("MessageAttributes");
            if (kind == null || kind == JsonToken.VALUE_NULL) {
                return Map.of();
            }
            String json = object(members, body, "MessageAttributes", "MessageAttributes");
            Map<String, MessageAttribute> attributes = new HashMap<>();
            try {
                MAPPER.readTree(json).fields().forEachRemaining(entry -> {
                    var value = entry.getValue().get("Value");
                    if (value != null && value.isTextual()) {
                        MessageAttribute attribute = new MessageAttribute();
                        attribute.setDataType("String");
                        attribute.setStringValue(value.textValue());
                        attributes.put(entry.getKey(), attribute);
                    }
                });
            } catch (IOException e) {
                throw new InvalidMessageException("MessageAttributes", "is not valid JSON");
            }
            return attributes;
        }

        @Override
        public String typePath() {
            return "Message." + inner.typePath();
        }

        @Override
        SQSMessage sample(String type, String data, boolean wholeBody) {
            if (wholeBody) {
                return super.sample(type, data, true);
            }
            SQSMessage inside = inner.sample(type, data, false);
            StringBuilder attributes = new StringBuilder();
            inside.getMessageAttributes()
                    .forEach((name, value) -> attributes
                            .append(attributes.length() > 0 ? "," : "")
                            .append(quote(name))
                            .append(":{\"Type\":\"String\",\"Value\":")
                            .append(quote(value.getStringValue()))
                            .append('}'));
            SQSMessage message = super.sample(type, data, true);
            message.setBody("{\"Type\":\"Notification\",\"MessageId\":\"00000000-0000-4000-8000-000000000000\","
                    + "\"Message\":" + quote(inside.getBody()) + ",\"MessageAttributes\":{" + attributes + "}}");
            return message;
        }

        @Override
        public String defaultKeyExpression() {
            return "powertools_json(body).MessageId";
        }

        @Override
        boolean singleRoute() {
            return inner.singleRoute();
        }

        @Override
        Envelope withOptionalEventId() {
            return new Sns(inner.withOptionalEventId());
        }

        @Override
        Envelope withOwnReaders() {
            return new Sns(inner.withOwnReaders());
        }
    }
}
