package dev.tether.lambda.internal.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.config.IdempotencySettings;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeysTest {

    /** The direct evaluation of the default expressions must give what JMESPath gives, or mode switches lose history. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"eventId\":\"0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11\",\"type\":\"PaymentCaptured\",\"data\":{\"x\":1.50,\"y\":[1,2]}}",
                "{\"eventId\":\"0B7C3F0E-3F1A-4C43-9A43-6A2F8F1F2B11\",\"n\":12345678901234567890123, \"s\":\"é\\u00e9\"}",
                "{\"type\":\"PaymentCaptured\"}",
                "{\"eventId\":\"\"}"
            })
    void theDirectPathAndJmesPathAgreeOnKeyAndPayload(String body) throws Exception {
        SQSMessage message = new SQSMessage();
        message.setMessageId("m-1");
        message.setBody(body);
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        IdempotencySettings defaults = IdempotencySettings.defaults().withFallbackToMessageId(true);
        // The same expressions, written so that the direct path is not taken.
        IdempotencySettings viaJmesPath = new IdempotencySettings(
                defaults.mode(),
                "(powertools_json(body).eventId)",
                true,
                "(powertools_json(body))",
                defaults.expiry(),
                defaults.functionName(),
                null,
                null);

        IdempotencyKeys.Key direct = new IdempotencyKeys(defaults).of(message);
        IdempotencyKeys.Key generic = new IdempotencyKeys(viaJmesPath).of(message);

        assertThat(direct.id()).isEqualTo(generic.id());
        assertThat(direct.payloadHash()).isEqualTo(generic.payloadHash());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"eventId\":\"5d3a0a64-2f8e-4d8b-9b1c-2f1e4c6a7b22\",\"type\":\"PaymentCaptured\",\"occurredAt\":"
                        + "\"2026-11-26T10:16:02Z\",\"data\":{\"paymentId\":\"pay-9\",\"amountCents\":2599}}",
                "{ \"data\": {\"lines\": [{\"sku\": \"S\\u00e9\\n\", \"q\": -0}], \"big\": 123456789012345678901234},\n"
                        + "  \"eventId\": \"0B7C3F0E-3F1A-4C43-9A43-6A2F8F1F2B11\", \"flag\": true, \"none\": null }"
            })
    void theUsualBodiesAreKeyedFromTheTokenStream(String body) throws Exception {
        SQSMessage message = message(body);

        IdempotencyKeys.Key streamed = new IdempotencyKeys(IdempotencySettings.defaults()).streamed(message);

        assertThat(streamed).as("the token path must handle the usual bodies").isNotNull();
        assertThat(streamed).isEqualTo(viaJmesPath(false).of(message));
    }

    /** Any body, any JSON in it: the key the handler uses equals the one Powertools' JMESPath evaluation gives. */
    @Property(tries = 2000)
    void everyBodyGetsPowertoolsKeyAndPayloadHash(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        boolean fallback = random.nextBoolean();
        StringBuilder body = new StringBuilder("{");
        int fields = random.nextInt(5);
        int eventIdAt = random.nextInt(fields + 2);
        for (int i = 0; i <= fields; i++) {
            body.append(i > 0 ? "," : "").append(random.nextInt(5) == 0 ? " \n" : "");
            if (i == eventIdAt || random.nextInt(20) == 0) {
                body.append("\"eventId\":")
                        .append(pick(
                                random,
                                "\"0b7c3f0e-3f1a-4c43-9a43-6a2f8f1f2b11\"",
                                "\"\"",
                                "null",
                                "42",
                                "\"k\\u00e9y\"",
                                "[\"a\"]",
                                "{\"a\":null}"));
            } else {
                body.append(randomString(random)).append(':').append(randomValue(random, 0));
            }
        }
        SQSMessage message = message(body.append('}').toString());
        IdempotencySettings defaults = IdempotencySettings.defaults().withFallbackToMessageId(fallback);

        IdempotencyKeys.Key expected;
        try {
            expected = viaJmesPath(fallback).of(message);
        } catch (InvalidMessageException e) {
            expected = null;
        }
        IdempotencyKeys.Key actual;
        try {
            actual = new IdempotencyKeys(defaults).of(message);
        } catch (InvalidMessageException e) {
            actual = null;
        }
        IdempotencyKeys.Key streamed = new IdempotencyKeys(defaults).streamed(message);

        assertThat(actual).as(message.getBody()).isEqualTo(expected);
        if (streamed != null) {
            assertThat(streamed).as(message.getBody()).isEqualTo(expected);
        }
    }

    private static IdempotencyKeys viaJmesPath(boolean fallback) {
        IdempotencySettings defaults = IdempotencySettings.defaults();
        return new IdempotencyKeys(new IdempotencySettings(
                defaults.mode(),
                "(powertools_json(body).eventId)",
                fallback,
                "(powertools_json(body))",
                defaults.expiry(),
                defaults.functionName(),
                null,
                null));
    }

    private static SQSMessage message(String body) {
        SQSMessage message = new SQSMessage();
        message.setMessageId("m-1");
        message.setBody(body);
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        return message;
    }

    private static String randomValue(Random random, int depth) {
        int kind = random.nextInt(depth >= 3 ? 7 : 9);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> String.valueOf(random.nextInt(2001) - 1000);
            case 3 ->
                pick(
                        random,
                        "-0",
                        "9223372036854775807",
                        "-9223372036854775808",
                        "9223372036854775808",
                        "123456789012345678901234567890",
                        "0");
            case 4 -> pick(random, "1.5", "1.50", "-0.0", "1e3", "2.5E-7", "1234567.125", "0.1");
            case 5, 6 -> randomString(random);
            case 7 -> {
                StringBuilder array = new StringBuilder("[");
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.append(array.length() > 1 ? "," : "").append(randomValue(random, depth + 1));
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.append(object.length() > 1 ? ", " : "")
                            .append(pick(random, "\"a\"", "\"b\"", "\"eventId\""))
                            .append(": ")
                            .append(randomValue(random, depth + 1));
                }
                yield object.append('}').toString();
            }
        };
    }

    private static String randomString(Random random) {
        String[] pieces = {
            "a",
            "Z",
            "é",
            "\\u00e9",
            "\\n",
            "\\t",
            "\\u0001",
            "\\u001f",
            "\\\"",
            "\\\\",
            "\\/",
            "/",
            "\\ud83d\\ude00",
            "😀",
            "\\u2028",
            "\u007f",
            "\\u007F",
            "<",
            "&",
            " ",
            "\\b",
            "\\f",
            "\\r",
            "\\u0041"
        };
        StringBuilder text = new StringBuilder("\"");
        for (int i = random.nextInt(6); i > 0; i--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.append('"').toString();
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }

    @org.junit.jupiter.api.Test
    void theHashIsPowertoolsMd5TextEvenWithLeadingZeros() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            String text = "key-" + i;
            byte[] digest = java.security.MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String powertools = String.format("%032x", new java.math.BigInteger(1, digest));

            assertThat(IdempotencyKeys.hash(com.fasterxml.jackson.databind.node.TextNode.valueOf(text)))
                    .isEqualTo(powertools);
        }
    }
}
