package dev.tether.processor.testing;

import java.util.UUID;

/** Order event bodies as producers send them. */
public final class OrderEvents {

    private OrderEvents() {}

    /** An {@code OrderUpserted} body with one line per {@code skus} entry, each of quantity 1 at 100 cents. */
    public static String orderUpserted(String orderId, String customerId, String status, long version, String... skus) {
        return orderUpserted(UUID.randomUUID(), orderId, customerId, status, version, skus);
    }

    /** An {@code OrderUpserted} body with a given event id. */
    public static String orderUpserted(
            UUID eventId, String orderId, String customerId, String status, long version, String... skus) {
        StringBuilder lines = new StringBuilder("[");
        for (int i = 0; i < skus.length; i++) {
            if (i > 0) {
                lines.append(',');
            }
            lines.append("{\"sku\":\"").append(skus[i]).append("\",\"quantity\":1,\"unitPriceCents\":100}");
        }
        lines.append(']');
        return "{\"eventId\":\"" + eventId
                + "\",\"type\":\"OrderUpserted\",\"occurredAt\":\"2026-11-26T10:15:30.123456Z\","
                + "\"data\":{\"orderId\":\"" + orderId + "\",\"customerId\":\"" + customerId + "\",\"status\":\""
                + status
                + "\",\"currency\":\"EUR\",\"totalCents\":" + (100L * skus.length) + ",\"version\":" + version
                + ",\"lines\":" + lines + "}}";
    }

    /** A {@code PaymentCaptured} body. */
    public static String paymentCaptured(String customerId, long amountCents, String currency) {
        return paymentCaptured(UUID.randomUUID(), customerId, amountCents, currency);
    }

    /** A {@code PaymentCaptured} body with a given event id. */
    public static String paymentCaptured(UUID eventId, String customerId, long amountCents, String currency) {
        return "{\"eventId\":\"" + eventId + "\",\"type\":\"PaymentCaptured\",\"occurredAt\":\"2026-11-26T10:16:00Z\","
                + "\"data\":{\"paymentId\":\"pay-" + eventId.toString().substring(0, 8) + "\",\"customerId\":\""
                + customerId + "\",\"amountCents\":" + amountCents + ",\"currency\":\"" + currency + "\"}}";
    }
}
