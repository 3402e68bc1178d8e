package dev.tether.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Builds SQS events the way Lambda delivers them: as the JSON an event source mapping sends, turned into an
 * {@link SQSEvent} by Lambda's own serializer.
 */
public final class SqsEvents {

    public static final String QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:tether-events";

    private static final PojoSerializer<SQSEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(SQSEvent.class, SqsEvents.class.getClassLoader());

    private SqsEvents() {}

    /**
     * A message to put in an event: its id, body, FIFO message group (null on a standard queue) and string message
     * attributes.
     */
    public record Message(String messageId, String body, String groupId, java.util.Map<String, String> attributes) {
        public Message(String messageId, String body, String groupId) {
            this(messageId, body, groupId, java.util.Map.of());
        }

        public static Message of(String body) {
            return new Message(UUID.randomUUID().toString(), body, null);
        }

        /** A message of a FIFO queue, in message group {@code groupId}. */
        public static Message inGroup(String groupId, String body) {
            return new Message(UUID.randomUUID().toString(), body, groupId);
        }

        /** This message with the string message attribute {@code name} set to {@code value}. */
        public Message withAttribute(String name, String value) {
            java.util.Map<String, String> next = new java.util.TreeMap<>(attributes);
            next.put(name, value);
            return new Message(messageId, body, groupId, next);
        }
    }

    /** An event holding {@code messages}, through Lambda's serializer. */
    public static SQSEvent event(List<Message> messages) {
        return fromJson(json(messages));
    }

    /** The JSON an event source mapping sends for {@code messages}: to write to a file for a jar or a local run. */
    public static String json(List<Message> messages) {
        boolean fifo = messages.stream().anyMatch(m -> m.groupId() != null);
        String arn = fifo ? QUEUE_ARN + ".fifo" : QUEUE_ARN;
        StringBuilder json = new StringBuilder(messages.size() * 700 + 32).append("{\"Records\":[");
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            Message m = messages.get(i);
            json.append("{\"messageId\":")
                    .append(quote(m.messageId()))
                    .append(",\"receiptHandle\":")
                    .append(quote("AQEB" + m.messageId().replace("-", "")))
                    .append(",\"body\":")
                    .append(quote(m.body()))
                    .append(
                            ",\"attributes\":{\"ApproximateReceiveCount\":\"1\",\"SentTimestamp\":\"1764151530123\","
                                    + "\"SenderId\":\"AIDAIENQZJOLO23YVJ4VO\",\"ApproximateFirstReceiveTimestamp\":\"1764151530130\"")
                    .append(
                            m.groupId() == null
                                    ? ""
                                    : ",\"MessageGroupId\":" + quote(m.groupId())
                                            + ",\"MessageDeduplicationId\":" + quote(m.messageId())
                                            + ",\"SequenceNumber\":\"" + ("1884949646046769" + String.format("%04d", i))
                                            + "\"")
                    .append('}')
                    .append(",\"messageAttributes\":{")
                    .append(attributes(m.attributes()))
                    .append("},\"md5OfBody\":\"e4e68fb7bd0e697a0ae8f1bb342846b3\"")
                    .append(",\"eventSource\":\"aws:sqs\",\"eventSourceARN\":")
                    .append(quote(arn))
                    .append(",\"awsRegion\":\"eu-west-1\"}");
        }
        return json.append("]}").toString();
    }

    private static String attributes(java.util.Map<String, String> attributes) {
        StringBuilder json = new StringBuilder();
        attributes.forEach((name, value) -> json.append(json.length() > 0 ? "," : "")
                .append(quote(name))
                .append(":{\"stringValue\":")
                .append(quote(value))
                .append(",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"String\"}"));
        return json.toString();
    }

    /** Deserializes an SQS event the way the Lambda Java runtime does. */
    public static SQSEvent fromJson(String json) {
        return SERIALIZER.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code text} as a JSON string. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
