package dev.tether.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final String TETHER = "{\"eventId\":\"6f1c0e1e-3a2b-4c5d-8e9f-001122334455\",\"type\":\"Thing\","
            + "\"occurredAt\":\"2026-12-01T10:00:00Z\",\"data\":{\"a\":[1,{\"b\":2}],\"c\":\"}\"}}";

    @Test
    void tethersEnvelopeYieldsTheTypeAndTheDataTextExactly() throws Exception {
        Incoming incoming = Envelope.tether().open(message(TETHER));

        assertThat(incoming.type()).isEqualTo("Thing");
        assertThat(incoming.data()).isEqualTo("{\"a\":[1,{\"b\":2}],\"c\":\"}\"}");
        assertThat(incoming.dataPath()).isEqualTo("data");
        assertThat(Envelope.tether().defaultKeyExpression()).isEqualTo("powertools_json(body).eventId");
    }

    @Test
    void tethersEnvelopeChecksItsFieldsInAFixedOrder() {
        assertInvalid(
                Envelope.tether(),
                TETHER.replace("6f1c0e1e-3a2b-4c5d-8e9f-001122334455", "x"),
                "eventId",
                "must be a UUID (8-4-4-4-12 hexadecimal digits)");
        assertInvalid(Envelope.tether(), TETHER.replace("\"type\":\"Thing\",", ""), "type", "is required");
        assertInvalid(
                Envelope.tether(), TETHER.replace("\"type\":\"Thing\"", "\"type\":3"), "type", "must be a string");
        assertInvalid(
                Envelope.tether(),
                TETHER.replace("2026-12-01T10:00:00Z", "soon"),
                "occurredAt",
                "must be an ISO-8601 instant such as 2026-11-26T10:15:30.123456Z");
        assertInvalid(
                Envelope.tether(),
                TETHER.replace("\"data\":{", "\"data\":[{").replace("}}", "}]}"),
                "data",
                "must be a JSON object");
        assertInvalid(Envelope.tether(), TETHER + "x", "body", null);
        assertInvalid(
                Envelope.tether(),
                TETHER.replace("\"type\":\"Thing\"", "\"type\":\"Thing\",\"type\":\"T\""),
                "body",
                null);
        assertInvalid(Envelope.tether(), "[" + "[".repeat(2000) + "]".repeat(2000) + "]", "body", null);
        assertInvalid(Envelope.tether(), null, "body", "is empty; expected a JSON object");
    }

    @Test
    void fieldNamesCanBeTheProducersOwn() throws Exception {
        Envelope envelope = Envelope.tether("id", "kind", "at", "payload");
        String body = "{\"id\":\"6f1c0e1e-3a2b-4c5d-8e9f-001122334455\",\"kind\":\"K\",\"at\":\"2026-12-01T10:00:00Z\","
                + "\"payload\":{\"x\":1}}";

        Incoming incoming = envelope.open(message(body));

        assertThat(incoming.type()).isEqualTo("K");
        assertThat(incoming.data()).isEqualTo("{\"x\":1}");
        assertThat(envelope.defaultKeyExpression()).isEqualTo("powertools_json(body).id");
    }

    @Test
    void aMessageAttributeCanNameTheTypeOfAWholeBody() throws Exception {
        SQSMessage message = message("{\"x\":1}");
        MessageAttribute attribute = new MessageAttribute();
        attribute.setDataType("String");
        attribute.setStringValue("K");
        message.setMessageAttributes(Map.of("eventType", attribute));

        Incoming incoming = Envelope.messageAttribute("eventType").open(message);

        assertThat(incoming.type()).isEqualTo("K");
        assertThat(incoming.data()).isEqualTo("{\"x\":1}");
        assertInvalid(
                Envelope.messageAttribute("eventType"),
                "{\"x\":1}",
                "messageAttributes.eventType",
                "is required: it names the message's type");
    }

    @Test
    void anEventBridgeEventYieldsItsDetailTypeAndDetail() throws Exception {
        String body =
                "{\"version\":\"0\",\"id\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\",\"detail-type\":\"Order Placed\","
                        + "\"source\":\"com.example\",\"account\":\"123456789012\",\"time\":\"2026-12-01T10:00:00Z\","
                        + "\"region\":\"eu-west-1\",\"resources\":[],\"detail\":{\"x\":1}}";

        Incoming incoming = Envelope.eventBridge().open(message(body));

        assertThat(incoming.type()).isEqualTo("Order Placed");
        assertThat(incoming.data()).isEqualTo("{\"x\":1}");
        assertThat(incoming.dataPath()).isEqualTo("detail");
        assertThat(Envelope.eventBridge().defaultKeyExpression()).isEqualTo("powertools_json(body).id");
        assertInvalid(
                Envelope.eventBridge(),
                body.replace("\"detail\":{\"x\":1}", "\"detail\":\"x\""),
                "detail",
                "must be a JSON object");
    }

    @Test
    void anSnsNotificationIsUnwrappedAndItsMessageReadWithTheInnerEnvelope() throws Exception {
        String body = "{\"Type\":\"Notification\",\"MessageId\":\"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\","
                + "\"TopicArn\":\"arn:aws:sns:eu-west-1:123456789012:things\",\"Message\":"
                + quote(TETHER) + ",\"Timestamp\":\"2026-12-01T10:00:00.000Z\",\"MessageAttributes\":"
                + "{\"eventType\":{\"Type\":\"String\",\"Value\":\"Attr\"}}}";

        Incoming viaTether = Envelope.sns(Envelope.tether()).open(message(body));
        Incoming viaAttribute =
                Envelope.sns(Envelope.messageAttribute("eventType")).open(message(body));

        assertThat(viaTether.type()).isEqualTo("Thing");
        assertThat(viaTether.data()).isEqualTo("{\"a\":[1,{\"b\":2}],\"c\":\"}\"}");
        assertThat(viaTether.dataPath()).isEqualTo("Message.data");
        assertThat(viaAttribute.type()).isEqualTo("Attr");
        assertThat(Envelope.sns(Envelope.tether()).defaultKeyExpression()).isEqualTo("powertools_json(body).MessageId");
        assertInvalid(
                Envelope.sns(Envelope.tether()),
                body.replace("Notification", "SubscriptionConfirmation"),
                "Type",
                null);
        assertInvalid(
                Envelope.sns(Envelope.tether()),
                body.replace("\\\"type\\\":\\\"Thing\\\",", ""),
                "Message.type",
                "is required");
    }

    @Test
    void forRoutesThatReadBodiesThemselvesOnlyTheTypeIsReadAndTheDataIsFoundOnDemand() throws Exception {
        Envelope envelope = Envelope.tether().withOwnReaders();

        Incoming incoming = envelope.open(message(TETHER.replace("6f1c0e1e-3a2b-4c5d-8e9f-001122334455", "x")));

        assertThat(incoming.type()).isEqualTo("Thing");
        assertThat(incoming.data()).isEqualTo("{\"a\":[1,{\"b\":2}],\"c\":\"}\"}");
        assertInvalid(envelope, TETHER.replace("\"type\":\"Thing\",", ""), "type", "is required");
        assertInvalid(envelope, TETHER.replace("\"type\":\"Thing\"", "\"type\":[]"), "type", "must be a string");
        assertInvalid(envelope, "{\"eventId\":", "body", null);
    }

    @Test
    void everyEnvelopeCanMakeASampleItReadsBack() throws Exception {
        for (Envelope envelope : new Envelope[] {
            Envelope.tether(),
            Envelope.messageAttribute("t"),
            Envelope.eventBridge(),
            Envelope.sns(Envelope.tether()),
            Envelope.sns(Envelope.messageAttribute("t"))
        }) {
            Incoming incoming = envelope.open(envelope.sample("T", "{\"x\":1}", false));
            assertThat(incoming.type()).as(envelope.getClass().getSimpleName()).isEqualTo("T");
            assertThat(incoming.data()).isEqualTo("{\"x\":1}");
        }
    }

    private static void assertInvalid(Envelope envelope, String body, String field, String reason) {
        assertThatThrownBy(() -> envelope.open(message(body)))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    if (reason != null) {
                        assertThat(e.reason()).isEqualTo(reason);
                    }
                });
    }

    private static SQSMessage message(String body) {
        SQSMessage message = new SQSMessage();
        message.setMessageId("m-1");
        message.setBody(body);
        message.setAttributes(Map.of());
        return message;
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
