package dev.tether.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Event JSON for the benchmarks: payments (the order handler's cheapest effect) and customer stream inserts. */
final class Events {

    private Events() {}

    static List<String> payments(int count, String tag) {
        List<String> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bodies.add("{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"PaymentCaptured\",\"occurredAt\":"
                    + "\"2026-11-26T10:16:02Z\",\"data\":{\"paymentId\":\"pay-" + tag + "-" + i + "\",\"customerId\":"
                    + "\"bench-cus-" + (i % 100) + "\",\"amountCents\":1,\"currency\":\"EUR\"}}");
        }
        return bodies;
    }

    /** InventoryAdjusted events over 100 SKUs in one warehouse, each with its own eventId. */
    static List<String> adjustments(int count) {
        List<String> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bodies.add("{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"InventoryAdjusted\",\"occurredAt\":"
                    + "\"2026-12-01T10:16:02Z\",\"data\":{\"sku\":\"bench-sku-" + (i % 100) + "\",\"warehouse\":"
                    + "\"ams\",\"delta\":1}}");
        }
        return bodies;
    }

    static String sqsJson(List<String> bodies) {
        StringBuilder json = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < bodies.size(); i++) {
            json.append(i > 0 ? "," : "")
                    .append("{\"messageId\":\"")
                    .append(UUID.randomUUID())
                    .append("\",\"receiptHandle\":\"r\",\"body\":\"")
                    .append(bodies.get(i).replace("\"", "\\\""))
                    .append("\",\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"messageAttributes\":{},"
                            + "\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:0:q\","
                            + "\"awsRegion\":\"eu-west-1\"}");
        }
        return json.append("]}").toString();
    }

    static String streamJson(int count, long firstSequence) {
        StringBuilder json = new StringBuilder(count * 500).append("{\"Records\":[");
        for (int i = 0; i < count; i++) {
            long seq = firstSequence + i;
            String key = "bench-" + (seq % 50_000);
            json.append(i > 0 ? "," : "")
                    .append("{\"eventID\":\"")
                    .append(seq)
                    .append("\",\"eventName\":\"MODIFY\","
                            + "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-west-1\",\"dynamodb\":{\"Keys\":{\"customerId\":"
                            + "{\"S\":\"")
                    .append(key)
                    .append("\"}},\"NewImage\":{\"customerId\":{\"S\":\"")
                    .append(key)
                    .append("\"},\"email\":{\"S\":\"")
                    .append(key)
                    .append("@example.com\"},\"name\":{\"S\":\"Customer ")
                    .append(i)
                    .append("\"},\"tier\":{\"S\":\"GOLD\"},\"creditLimit\":{\"N\":\"")
                    .append(i)
                    .append(".25\"},\"tags\":{\"SS\":[\"a\",\"b\"]},\"address\":{\"M\":{\"street\":{\"S\":\"Main St ")
                    .append(i)
                    .append("\"},\"zip\":{\"N\":\"12345\"}}},\"marketingOptIn\":{\"BOOL\":true},"
                            + "\"updatedAt\":{\"S\":\"2026-11-26T10:15:30Z\"}},\"SequenceNumber\":\"")
                    .append(seq)
                    .append(
                            "\",\"SizeBytes\":300,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},\"eventSourceARN\":"
                                    + "\"arn:aws:dynamodb:eu-west-1:123456789012:table/Customers/stream/2026-11-01T00:00:00.000\"}");
        }
        return json.append("]}").toString();
    }
}
