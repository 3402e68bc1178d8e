package dev.tether.processor.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tether.testing.StreamRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The orders application's stream events, on the test kit's {@link StreamRecords}: the Customers table by default. */
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
                    ? null
                    : "{\"customerId\":{\"S\":\"" + customerId + "\"}"
                            + (imageAttributes.isEmpty() ? "" : "," + imageAttributes) + "}";
            return StreamRecords.record(
                    "Customers",
                    StreamRecords.Change.raw(eventName, sequenceNumber, keys, image, image == null ? keys : null));
        }
    }

    /** The stream ARN of DynamoDB table {@code table}. */
    public static String arnOf(String table) {
        return StreamRecords.arnOf(table);
    }

    /**
     * One stream record of any table, as JSON: {@code keys} and {@code newImage} are DynamoDB JSON objects
     * ({@code {"id":{"S":"a"}}}); {@code newImage} null for a REMOVE; {@code byTimeToLive} marks a REMOVE made by
     * DynamoDB's time to live ({@code userIdentity} of the service).
     */
    public static String record(
            String eventName, long sequence, String table, String keys, String newImage, boolean byTimeToLive) {
        StreamRecords.Change change =
                StreamRecords.Change.raw(eventName, sequence, keys, newImage, newImage == null ? keys : null);
        return StreamRecords.record(table, byTimeToLive ? change.byTimeToLive() : change);
    }

    /** An event of raw record JSON, in this order. */
    public static DynamodbEvent eventOf(List<String> records) {
        return StreamRecords.eventOf(records);
    }

    /** An event of {@code records}, in this order. */
    public static DynamodbEvent event(List<Rec> records) {
        return StreamRecords.eventOf(records.stream().map(Rec::json).toList());
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
}
