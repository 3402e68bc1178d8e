package dev.tether.processor.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.processor.config.IdempotencySettings;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeysTest {

    /** The direct evaluation of the default expressions must give what JMESPath gives, or mode switches lose history. */
    @ParameterizedTest
    @ValueSource(strings = {
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
        IdempotencySettings viaJmesPath = new IdempotencySettings(defaults.mode(), "(powertools_json(body).eventId)",
                true, "(powertools_json(body))", defaults.expiry(), defaults.functionName(), null, null);

        IdempotencyKeys.Key direct = new IdempotencyKeys(defaults).of(message);
        IdempotencyKeys.Key generic = new IdempotencyKeys(viaJmesPath).of(message);

        assertThat(direct.id()).isEqualTo(generic.id());
        assertThat(direct.payloadHash()).isEqualTo(generic.payloadHash());
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
