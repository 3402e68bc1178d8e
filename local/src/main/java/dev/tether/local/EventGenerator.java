package dev.tether.local;

import dev.tether.local.OrderEventProducer.Outgoing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Generates a realistic mix of order events, and the database state they must produce: payments for a few hundred
 * customers, successive versions of a few thousand orders, some duplicates (the same event sent again, as producers
 * retry) and a few poison messages (invalid in ways producers get wrong).
 */
public final class EventGenerator {

    private static final String[] STATUSES = {"PLACED", "PAID", "SHIPPED", "CANCELLED"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};

    /** What was generated, and what the database must end up holding. */
    public record Generated(List<Outgoing> messages, Expected expected, int unique, int duplicates, int poison) {}

    /** The expected database: balance per customer and currency, and each order's final version and line count. */
    public record Expected(Map<String, Long> balances, Map<String, String> orders) {}

    private EventGenerator() {}

    /**
     * {@code count} messages; {@code fifoGroups} > 0 spreads them over that many FIFO message groups.
     */
    public static Generated generate(int count, double duplicateRate, double poisonRate, int fifoGroups, long seed) {
        Random random = new Random(seed);
        List<Outgoing> messages = new ArrayList<>(count);
        List<String> validBodies = new ArrayList<>();
        Map<String, Long> balances = new TreeMap<>();
        Map<String, Integer> orderVersions = new TreeMap<>();
        Map<String, String> orders = new TreeMap<>();
        int duplicates = 0;
        int poison = 0;
        int orderSpace = Math.max(10, count / 10);
        for (int i = 0; i < count; i++) {
            String group = fifoGroups > 0 ? "group-" + (i % fifoGroups) : null;
            double roll = random.nextDouble();
            String body;
            if (roll < poisonRate) {
                body = poison(random);
                poison++;
            } else if (roll < poisonRate + duplicateRate && !validBodies.isEmpty()) {
                body = validBodies.get(random.nextInt(validBodies.size()));
                duplicates++;
            } else if (random.nextInt(10) < 6) {
                String customer = "cus-" + random.nextInt(500);
                String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
                long amount = 1 + random.nextInt(10_000);
                body = payment(customer, amount, currency);
                balances.merge(customer + "|" + currency, amount, Long::sum);
                validBodies.add(body);
            } else {
                String orderId = "ord-" + random.nextInt(orderSpace);
                int version = orderVersions.merge(orderId, 1, Integer::sum);
                int lines = 1 + random.nextInt(3);
                String status = STATUSES[random.nextInt(STATUSES.length)];
                body = order(orderId, "cus-" + random.nextInt(500), status, version, lines);
                orders.put(orderId, status + "|" + version + "|" + lines);
                validBodies.add(body);
            }
            messages.add(new Outgoing(body, group));
        }
        return new Generated(messages, new Expected(balances, orders), count - duplicates - poison, duplicates, poison);
    }

    static String payment(String customer, long amountCents, String currency) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"PaymentCaptured\","
                + "\"occurredAt\":\"2026-11-26T10:16:02Z\",\"data\":{\"paymentId\":\"pay-" + UUID.randomUUID()
                + "\",\"customerId\":\"" + customer + "\",\"amountCents\":" + amountCents + ",\"currency\":\""
                + currency + "\"}}";
    }

    static String order(String orderId, String customer, String status, int version, int lines) {
        StringBuilder items = new StringBuilder();
        for (int l = 0; l < lines; l++) {
            items.append(l > 0 ? "," : "")
                    .append("{\"sku\":\"SKU-")
                    .append(l + 1)
                    .append("\",\"quantity\":")
                    .append(l + 1)
                    .append(",\"unitPriceCents\":")
                    .append(100 * (l + 1))
                    .append('}');
        }
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"OrderUpserted\","
                + "\"occurredAt\":\"2026-11-26T10:15:30.123456Z\",\"data\":{\"orderId\":\"" + orderId
                + "\",\"customerId\":\"" + customer + "\",\"status\":\"" + status + "\",\"currency\":\"EUR\","
                + "\"totalCents\":" + (100 * lines) + ",\"version\":" + version + ",\"lines\":[" + items + "]}}";
    }

    private static String poison(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"PaymentCaptured\""; // truncated JSON
            case 1 -> payment("cus-1", 10, "EUR").replace("\"amountCents\":10", "\"amountCents\":\"10\"");
            case 2 -> payment("cus-1", 10, "EUR").replace("PaymentCaptured", "PaymentRefunded");
            default -> payment("cus-1", 10, "EUR").replace("\"currency\":\"EUR\"", "\"currency\":\"euro\"");
        };
    }
}
