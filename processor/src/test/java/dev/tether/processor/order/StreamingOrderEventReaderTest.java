package dev.tether.processor.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.json.UtcTimestamps;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader is the parser's fast path; the tree reading is the reference. Whatever the body, the two must
 * agree: the streaming reader either returns exactly the tree's event or steps aside (null), and the parser as a whole
 * accepts exactly what the tree accepts and rejects the rest with the tree's field and reason.
 */
class StreamingOrderEventReaderTest {

    private static final String ORDER = OrderEventParserTest.ORDER;

    private static final String PAYMENT = "{\"eventId\":\"5d3a0a64-2f8e-4d8b-9b1c-2f1e4c6a7b22\",\"type\":"
            + "\"PaymentCaptured\",\"occurredAt\":\"2026-11-26T10:16:02Z\",\"data\":{\"paymentId\":\"pay-9\","
            + "\"customerId\":\"cus-42\",\"amountCents\":2599,\"currency\":\"EUR\"}}";

    private final OrderEventParser strict = new OrderEventParser(true);
    private final OrderEventParser lenient = new OrderEventParser(false);

    @ParameterizedTest
    @ValueSource(
            strings = {
                ORDER,
                PAYMENT,
                // Unknown scalar fields, any field order, white space, non-ASCII ids, no eventId where it is optional.
                "{\"data\":{\"currency\":\"EUR\",\"amountCents\":5,\"customerId\":\"cé-1\",\"paymentId\":\"p/1\",\r\n"
                        + "\t\"note\":null, \"flag\": false, \"n\": -0},\"occurredAt\":\"2026-02-28T23:59:59.9Z\",\"type\":"
                        + "\"PaymentCaptured\",\"v\":2}",
                "{\"type\":\"OrderUpserted\",\"occurredAt\":\"1000-01-01T00:00:00.000000001Z\",\"data\":{\"orderId\":\"o\","
                        + "\"customerId\":\"c\",\"status\":\"CANCELLED\",\"currency\":\"USD\",\"totalCents\":0,"
                        + "\"version\":999999999999999999,\"lines\":[],\"paymentId\":\"ignored\"}}"
            })
    void readsTheUsualBodiesItselfAndAgreesWithTheTree(String body) throws InvalidMessageException {
        OrderEvent streamed = new StreamingOrderEventReader(false).read(body);

        assertThat(streamed).as("the fast path must handle the usual bodies").isNotNull();
        assertThat(streamed).isEqualTo(lenient.parseTree(body));
    }

    @Test
    void stepsAsideForWhatOnlyTheTreeCanJudge() {
        StreamingOrderEventReader reader = new StreamingOrderEventReader(true);
        List<String> bodies = List.of(
                ORDER.replace("\"version\": 1,", "\"version\": 1, \"version\": 1,"),
                ORDER.replace("\"version\": 1,", "\"version\": 1, \"extra\": {\"a\": 1, \"a\": 2},"),
                ORDER.replace("2599,", "2599.0,"),
                ORDER + " {}",
                ORDER.replace("\"PLACED\"", "\"placed\""),
                PAYMENT.replace("\"currency\":\"EUR\"", "\"currency\":\"EUR\",\"version\":\"x\""),
                PAYMENT.replace("\"eventId\":\"5d3a0a64-2f8e-4d8b-9b1c-2f1e4c6a7b22\",", ""),
                // Escapes and numbers past 18 digits are valid JSON, but left to the tree.
                PAYMENT.replace("pay-9", "pay\\u002d9"),
                PAYMENT.replace("2599", "9223372036854775807"));

        for (String body : bodies) {
            assertThat(reader.read(body)).as(body).isNull();
        }
    }

    @Property(tries = 3000)
    void bothPathsAgreeOnAnyBody(@ForAll long seed) {
        Random random = new Random(seed);
        String body = mutatedBody(random);

        agree(strict, true, body);
        agree(lenient, false, body);
    }

    @Property(tries = 3000)
    void theCommonTimestampShapeReadsAsIsoInstantDoes(@ForAll long seed) {
        Random random = new Random(seed);
        String text = String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d%sZ",
                random.nextInt(10_000),
                random.nextInt(14),
                random.nextInt(33),
                random.nextInt(26),
                random.nextInt(62),
                random.nextInt(62),
                random.nextInt(3) == 0
                        ? ""
                        : "." + String.valueOf(Math.abs(random.nextLong())).substring(0, 1 + random.nextInt(10)));

        Instant fast = UtcTimestamps.parse(text);
        Instant reference;
        try {
            reference = DateTimeFormatter.ISO_INSTANT.parse(text, Instant::from);
        } catch (RuntimeException e) {
            reference = null;
        }

        if (fast != null) {
            assertThat(fast).as(text).isEqualTo(reference);
            // The stream mapper's reference, too.
            assertThat(fast)
                    .as(text)
                    .isEqualTo(java.time.OffsetDateTime.parse(text, DateTimeFormatter.ISO_DATE_TIME)
                            .toInstant());
        } else if (reference != null) {
            // Stepping aside is allowed only for what is not the common shape: leap seconds, 24:00, early years.
            assertThat(text).matches(".*T(23:59:60|24:00:00).*|0\\d{3}-.*");
        }
    }

    private static void agree(OrderEventParser parser, boolean eventIdRequired, String body) {
        OrderEvent tree;
        InvalidMessageException treeError = null;
        try {
            tree = parser.parseTree(body);
        } catch (InvalidMessageException e) {
            tree = null;
            treeError = e;
        }
        OrderEvent streamed = new StreamingOrderEventReader(eventIdRequired).read(body);
        Statistics.label(eventIdRequired ? "eventId required" : "eventId optional")
                .collect(
                        streamed != null
                                ? "read by the streaming reader"
                                : treeError == null ? "read by the tree" : "rejected");
        if (streamed != null) {
            assertThat(treeError)
                    .as("the streaming reader accepted what the tree rejects: %s", body)
                    .isNull();
            assertThat(streamed).as(body).isEqualTo(tree);
        }
        try {
            OrderEvent parsed = parser.parse(body);
            assertThat(treeError)
                    .as("parse accepted what the tree rejects: %s", body)
                    .isNull();
            assertThat(parsed).as(body).isEqualTo(tree);
        } catch (InvalidMessageException e) {
            assertThat(treeError)
                    .as("parse rejected what the tree accepts: %s", body)
                    .isNotNull();
            assertThat(e.field()).as(body).isEqualTo(treeError.field());
            assertThat(e.reason()).as(body).isEqualTo(treeError.reason());
        }
    }

    /** A valid body of either type, then a few random mutations of the kinds that producers get wrong. */
    private static String mutatedBody(Random random) {
        // Two bodies in five are left valid (only reordered and spaced), so both readers get plenty of each.
        double rate = random.nextInt(5) < 2 ? 0 : 1;
        List<String[]> top = new ArrayList<>();
        boolean order = random.nextBoolean();
        top.add(new String[] {
            "eventId",
            quote(
                    random.nextBoolean()
                            ? "0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11"
                            : "5D3A0A64-2F8E-4D8B-9B1C-2F1E4C6A7B22")
        });
        top.add(new String[] {"type", quote(order ? "OrderUpserted" : "PaymentCaptured")});
        top.add(new String[] {
            "occurredAt",
            quote(pick(
                    random,
                    "2026-11-26T10:15:30.123456789Z",
                    "2026-11-26T10:16:02Z",
                    "2024-02-29T00:00:00.5Z",
                    "2026-11-26T10:15:30+01:00"))
        });
        List<String[]> data = new ArrayList<>();
        if (order) {
            data.add(new String[] {"orderId", quote("ord-" + random.nextInt(100))});
            data.add(new String[] {"customerId", quote("cus-42")});
            data.add(new String[] {"status", quote(pick(random, "PLACED", "PAID", "SHIPPED", "CANCELLED"))});
            data.add(new String[] {"currency", quote("EUR")});
            data.add(new String[] {"totalCents", String.valueOf(random.nextInt(100_000))});
            data.add(new String[] {"version", String.valueOf(1 + random.nextInt(5))});
            StringBuilder lines = new StringBuilder("[");
            int count = random.nextInt(4);
            for (int i = 0; i < count; i++) {
                List<String[]> line = new ArrayList<>();
                line.add(new String[] {"sku", quote("SKU-" + i)});
                line.add(new String[] {"quantity", String.valueOf(1 + random.nextInt(3))});
                line.add(new String[] {"unitPriceCents", String.valueOf(random.nextInt(5000))});
                mutate(random, line, 0.15 * rate);
                lines.append(i > 0 ? "," : "").append(object(random, line));
            }
            data.add(new String[] {"lines", lines.append("]").toString()});
        } else {
            data.add(new String[] {"paymentId", quote("pay-" + random.nextInt(100))});
            data.add(new String[] {"customerId", quote("cus-42")});
            data.add(new String[] {"amountCents", String.valueOf(1 + random.nextInt(100_000))});
            data.add(new String[] {"currency", quote("USD")});
        }
        mutate(random, data, 0.2 * rate);
        top.add(new String[] {"data", object(random, data)});
        mutate(random, top, 0.1 * rate);
        String body = object(random, top);
        return switch (rate == 0 ? 39 : random.nextInt(40)) {
            case 0 -> body + " {}";
            case 1 -> body.substring(0, random.nextInt(body.length()));
            case 2 -> "[" + body + "]";
            case 3, 4, 5, 6, 7, 8 -> syntaxMutation(random, body);
            default -> body;
        };
    }

    private static final String SIGNIFICANT = "{}[]:,\"\\ \t\n\r\u000b\u00a00123456789-+.eEtrufalsn/\u0000\u007f\ud800";

    /** One character inserted, removed or replaced: JSON the readers must agree is broken, or not. */
    private static String syntaxMutation(Random random, String body) {
        int at = random.nextInt(body.length());
        char c = SIGNIFICANT.charAt(random.nextInt(SIGNIFICANT.length()));
        return switch (random.nextInt(3)) {
            case 0 -> body.substring(0, at) + c + body.substring(at);
            case 1 -> body.substring(0, at) + body.substring(at + 1);
            default -> body.substring(0, at) + c + body.substring(at + 1);
        };
    }

    private static final String[] ODD_VALUES = {
        "null",
        "true",
        "0",
        "-1",
        "1.5",
        "2599.0",
        "1e3",
        "9223372036854775808",
        "\"\"",
        "\" x\"",
        "\"x \"",
        "\"ord\\u0000x\"",
        "\"\\u00e9t\\u00e9\"",
        "\"\\ud83d\\ude00\"",
        "{}",
        "[]",
        "[1]",
        "{\"a\":1,\"a\":2}",
        "\"2599\"",
        "\"eur\"",
        "\"EURO\"",
        "\"placed\"",
        "\"OrderDeleted\"",
        "\"PaymentCaptured\"",
        "\"OrderUpserted\"",
        "\"0b7c3f0e\"",
        "\"0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b1g\"",
        "\"2026-11-26T10:15:30\"",
        "\"2026-02-30T10:15:30Z\"",
        "\"2026-11-26T24:00:00Z\"",
        "\"0999-12-31T23:59:59Z\"",
        "\"2026-11-26t10:15:30z\"",
        "2147483648",
        "\"" + "x".repeat(64) + "\"",
        "\"" + "x".repeat(65) + "\"",
        "\"\ud800\"",
        "\"a\udc00b\"",
        "\"\u007f\"",
        "\"ß-\u00e9\"",
        "\"a\\/b\"",
        "-0",
        "007",
        "1.",
        "-",
        "tru",
        "nul",
        "\"\t\"",
        "123456789012345678",
        "1234567890123456789",
        "-9223372036854775808",
        " 5 ",
        "[{}]",
        "[1,]"
    };

    private static final String[] ODD_NAMES = {
        "eventId", "type", "occurredAt", "data", "orderId", "paymentId", "customerId", "status", "currency",
        "totalCents", "version", "amountCents", "lines", "sku", "quantity", "unitPriceCents", "extra", "note"
    };

    /** Changes values, drops, duplicates, adds and shuffles fields, each with some probability. */
    private static void mutate(Random random, List<String[]> fields, double rate) {
        for (int i = 0; i < fields.size(); i++) {
            if (random.nextDouble() < rate) {
                fields.set(i, new String[] {fields.get(i)[0], ODD_VALUES[random.nextInt(ODD_VALUES.length)]});
            }
        }
        if (!fields.isEmpty() && random.nextDouble() < rate) {
            fields.remove(random.nextInt(fields.size()));
        }
        if (!fields.isEmpty() && random.nextDouble() < rate / 2) {
            fields.add(fields.get(random.nextInt(fields.size())));
        }
        if (random.nextDouble() < rate) {
            fields.add(new String[] {
                ODD_NAMES[random.nextInt(ODD_NAMES.length)], ODD_VALUES[random.nextInt(ODD_VALUES.length)]
            });
        }
        if (random.nextDouble() < 0.3) {
            Collections.shuffle(fields, random);
        }
    }

    private static String object(Random random, List<String[]> fields) {
        String space = random.nextInt(4) == 0 ? " \n " : "";
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < fields.size(); i++) {
            json.append(i > 0 ? "," : "")
                    .append(space)
                    .append(quote(fields.get(i)[0]))
                    .append(':')
                    .append(space)
                    .append(fields.get(i)[1]);
        }
        return json.append(space).append('}').toString();
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }
}
