package dev.tether.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds DynamoDB stream events the way Lambda delivers them: the JSON an event source mapping sends, turned into a
 * {@link DynamodbEvent} by Lambda's own serializer.
 *
 * <p>Items are plain Java maps, written as DynamoDB JSON: a {@code String} is {@code S}, a {@code Number} is
 * {@code N}, a {@code Boolean} is {@code BOOL}, {@code null} is {@code NULL}, a {@code byte[]} is {@code B}, a
 * {@code List} is {@code L} and a {@code Map} is {@code M} (for sets, write the DynamoDB JSON yourself with
 * {@link Change#raw}). Use a {@link java.util.LinkedHashMap} when the order of attributes matters to you.
 *
 * <pre>{@code
 * DynamodbEvent event = StreamRecords.event("Carriers", List.of(
 *         StreamRecords.insert(1, Map.of("carrierId", "dhl"), Map.of("carrierId", "dhl", "name", "DHL")),
 *         StreamRecords.remove(2, Map.of("carrierId", "dhl"))));
 * }</pre>
 */
public final class StreamRecords {

    private static final PojoSerializer<DynamodbEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, StreamRecords.class.getClassLoader());

    private StreamRecords() {}

    /**
     * One change of one item: {@code eventName} INSERT, MODIFY or REMOVE, the stream's sequence number, the key and
     * the images as DynamoDB JSON objects (null when absent), and whether DynamoDB's time to live made the change.
     */
    public record Change(
            String eventName,
            String sequenceNumber,
            String keys,
            String newImage,
            String oldImage,
            boolean madeByTimeToLive) {

        public Change {
            Objects.requireNonNull(eventName, "eventName");
            Objects.requireNonNull(sequenceNumber, "sequenceNumber");
            Objects.requireNonNull(keys, "keys");
        }

        /** A change written as DynamoDB JSON objects, for attribute types the maps do not cover (sets). */
        public static Change raw(String eventName, long sequence, String keys, String newImage, String oldImage) {
            return new Change(eventName, String.valueOf(sequence), keys, newImage, oldImage, false);
        }

        /**
         * The same with the sequence number as DynamoDB writes it: a decimal of up to 40 digits (real sequence numbers
         * do not fit a {@code long}).
         */
        public static Change raw(
                String eventName, String sequenceNumber, String keys, String newImage, String oldImage) {
            return new Change(eventName, sequenceNumber, keys, newImage, oldImage, false);
        }

        /** This change with {@code sequenceNumber}, a decimal of up to 40 digits, as DynamoDB writes them. */
        public Change withSequenceNumber(String sequenceNumber) {
            return new Change(eventName, sequenceNumber, keys, newImage, oldImage, madeByTimeToLive);
        }

        /** This change as made by DynamoDB's time to live (a REMOVE whose {@code userIdentity} is the service). */
        public Change byTimeToLive() {
            return new Change(eventName, sequenceNumber, keys, newImage, oldImage, true);
        }

        /** This change with {@code oldImage} as its OldImage (a MODIFY of a NEW_AND_OLD_IMAGES stream). */
        public Change withOldImage(Map<String, ?> oldImage) {
            return new Change(eventName, sequenceNumber, keys, newImage, item(oldImage), madeByTimeToLive);
        }

        String json(String streamArn) {
            return "{\"eventID\":\"" + eventName.toLowerCase(java.util.Locale.ROOT) + "-" + sequenceNumber
                    + "\",\"eventName\":\"" + eventName
                    + "\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-west-1\","
                    + "\"dynamodb\":{\"ApproximateCreationDateTime\":1764152130,\"Keys\":" + keys
                    + (newImage == null ? "" : ",\"NewImage\":" + newImage)
                    + (oldImage == null ? "" : ",\"OldImage\":" + oldImage)
                    + ",\"SequenceNumber\":" + SqsEvents.quote(sequenceNumber) + ",\"SizeBytes\":100,"
                    + "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}"
                    + (madeByTimeToLive
                            ? ",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}"
                            : "")
                    + ",\"eventSourceARN\":" + SqsEvents.quote(streamArn) + "}";
        }
    }

    /** A new item: its key attributes and its whole image (which repeats the key). */
    public static Change insert(long sequence, Map<String, ?> keys, Map<String, ?> newImage) {
        return new Change("INSERT", String.valueOf(sequence), item(keys), item(newImage), null, false);
    }

    /** A changed item: its key and its new image. */
    public static Change modify(long sequence, Map<String, ?> keys, Map<String, ?> newImage) {
        return new Change("MODIFY", String.valueOf(sequence), item(keys), item(newImage), null, false);
    }

    /** A deleted item: its key (the OldImage holds the key only). */
    public static Change remove(long sequence, Map<String, ?> keys) {
        String key = item(keys);
        return new Change("REMOVE", String.valueOf(sequence), key, null, key, false);
    }

    /** An event of {@code changes} of DynamoDB table {@code table}, in this order. */
    public static DynamodbEvent event(String table, List<Change> changes) {
        return fromJson(json(table, changes));
    }

    /** The JSON Lambda would send for {@code changes} of {@code table}: to write to a file for a jar or a replay. */
    public static String json(String table, List<Change> changes) {
        StringBuilder json = new StringBuilder(changes.size() * 400 + 16).append("{\"Records\":[");
        for (int i = 0; i < changes.size(); i++) {
            json.append(i > 0 ? "," : "").append(changes.get(i).json(arnOf(table)));
        }
        return json.append("]}").toString();
    }

    /** One record's JSON: {@code change} of DynamoDB table {@code table}, for events that mix tables. */
    public static String record(String table, Change change) {
        return change.json(arnOf(table));
    }

    /** An event of records' JSON ({@link #record}), in this order. */
    public static DynamodbEvent eventOf(List<String> records) {
        return fromJson("{\"Records\":[" + String.join(",", records) + "]}");
    }

    /** The stream ARN of DynamoDB table {@code table} (the table name is what routes a record). */
    public static String arnOf(String table) {
        return "arn:aws:dynamodb:eu-west-1:123456789012:table/" + table + "/stream/2026-11-01T00:00:00.000";
    }

    /** Deserializes a stream event the way the Lambda Java runtime does. */
    public static DynamodbEvent fromJson(String json) {
        return SERIALIZER.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code attributes} as a DynamoDB JSON item ({@code {"id":{"S":"a"}}}). */
    public static String item(Map<String, ?> attributes) {
        Objects.requireNonNull(attributes, "attributes");
        StringBuilder json = new StringBuilder("{");
        attributes.forEach((name, value) -> json.append(json.length() > 1 ? "," : "")
                .append(SqsEvents.quote(name))
                .append(':')
                .append(attribute(value)));
        return json.append('}').toString();
    }

    private static String attribute(Object value) {
        if (value == null) {
            return "{\"NULL\":true}";
        }
        if (value instanceof CharSequence text) {
            return "{\"S\":" + SqsEvents.quote(text.toString()) + "}";
        }
        if (value instanceof Boolean flag) {
            return "{\"BOOL\":" + flag + "}";
        }
        if (value instanceof BigDecimal decimal) {
            return "{\"N\":\"" + decimal.toPlainString() + "\"}";
        }
        if (value instanceof Number number) {
            return "{\"N\":\"" + number + "\"}";
        }
        if (value instanceof byte[] bytes) {
            return "{\"B\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}";
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> nested = (Map<String, ?>) map;
            return "{\"M\":" + item(nested) + "}";
        }
        if (value instanceof Collection<?> list) {
            StringBuilder json = new StringBuilder("{\"L\":[");
            for (Object element : list) {
                json.append(json.length() > 6 ? "," : "").append(attribute(element));
            }
            return json.append("]}").toString();
        }
        throw new IllegalArgumentException("no DynamoDB attribute type for "
                + value.getClass().getName() + " (use String, Number, Boolean, byte[], List, Map or null)");
    }
}
