package dev.tether.processor.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** DynamoDB stream events as Lambda delivers them: stream JSON through Lambda's own serializer. */
public final class StreamEvents {

    public static final String STREAM_ARN =
            "arn:aws:dynamodb:eu-west-1:123456789012:table/Customers/stream/2026-11-01T00:00:00.000";

    private static final PojoSerializer<DynamodbEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, StreamEvents.class.getClassLoader());

    private StreamEvents() {}

    /**
     * One stream record: {@code eventName} INSERT, MODIFY or REMOVE, its sequence number, the key, and for
     * INSERT/MODIFY the NewImage attributes as DynamoDB JSON without the key (e.g. {@code "name":{"S":"Ada"}}).
     */
    public record Rec(String eventName, String sequenceNumber, String customerId, String imageAttributes) {

        public static Rec insert(long sequence, String customerId, String attributes) {
            return new Rec("INSERT", String.valueOf(sequence), customerId, attributes);
        }

        public static Rec modify(long sequence, String customerId, String attributes) {
            return new Rec("MODIFY", String.valueOf(sequence), customerId, attributes);
        }

        public static Rec remove(long sequence, String customerId) {
            return new Rec("REMOVE", String.valueOf(sequence), customerId, null);
        }

        String json() {
            String keys = "{\"customerId\":{\"S\":\"" + customerId + "\"}}";
            String image = imageAttributes == null
                    ? ""
                    : ",\"NewImage\":{\"customerId\":{\"S\":\"" + customerId + "\"}"
                            + (imageAttributes.isEmpty() ? "" : "," + imageAttributes) + "}";
            String oldImage = eventName.equals("REMOVE") ? ",\"OldImage\":" + keys : "";
            return "{\"eventID\":\"" + eventName.toLowerCase() + "-" + sequenceNumber + "\",\"eventName\":\""
                    + eventName
                    + "\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-west-1\","
                    + "\"dynamodb\":{\"ApproximateCreationDateTime\":1764152130,\"Keys\":" + keys + image + oldImage
                    + ",\"SequenceNumber\":\"" + sequenceNumber + "\",\"SizeBytes\":100,"
                    + "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},\"eventSourceARN\":\"" + STREAM_ARN + "\"}";
        }
    }

    /** The stream ARN of DynamoDB table {@code table}. */
    public static String arnOf(String table) {
        return "arn:aws:dynamodb:eu-west-1:123456789012:table/" + table + "/stream/2026-11-01T00:00:00.000";
    }

    /**
     * One stream record of any table, as JSON: {@code keys} and {@code newImage} are DynamoDB JSON objects
     * ({@code {"id":{"S":"a"}}}); {@code newImage} null for a REMOVE; {@code byTimeToLive} marks a REMOVE made by
     * DynamoDB's time to live ({@code userIdentity} of the service).
     */
    public static String record(
            String eventName, long sequence, String table, String keys, String newImage, boolean byTimeToLive) {
        return "{\"eventID\":\"" + eventName.toLowerCase() + "-" + sequence + "\",\"eventName\":\"" + eventName
                + "\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-west-1\","
                + "\"dynamodb\":{\"ApproximateCreationDateTime\":1764152130,\"Keys\":" + keys
                + (newImage == null ? ",\"OldImage\":" + keys : ",\"NewImage\":" + newImage)
                + ",\"SequenceNumber\":\"" + sequence + "\",\"SizeBytes\":100,"
                + "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}"
                + (byTimeToLive
                        ? ",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}"
                        : "")
                + ",\"eventSourceARN\":\"" + arnOf(table) + "\"}";
    }

    /** An event of raw record JSON, in this order. */
    public static DynamodbEvent eventOf(List<String> records) {
        return fromJson("{\"Records\":[" + String.join(",", records) + "]}");
    }

    /** An event of {@code records}, in this order. */
    public static DynamodbEvent event(List<Rec> records) {
        StringBuilder json = new StringBuilder(records.size() * 400).append("{\"Records\":[");
        for (int i = 0; i < records.size(); i++) {
            json.append(i > 0 ? "," : "").append(records.get(i).json());
        }
        return fromJson(json.append("]}").toString());
    }

    /** An event from a test resource such as {@code dynamodb/all-types.json}. */
    public static DynamodbEvent resource(String path) {
        try (InputStream in = StreamEvents.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return SERIALIZER.fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DynamodbEvent fromJson(String json) {
        return SERIALIZER.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
