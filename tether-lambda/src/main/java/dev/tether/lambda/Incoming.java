package dev.tether.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.Map;

/**
 * One SQS message as a reader sees it, once its {@link Envelope} is open: the type it carries and the JSON text of
 * its event (the envelope's {@code data}, an EventBridge {@code detail}, or the whole body, as the envelope says).
 *
 * @param message the SQS message as Lambda delivered it
 * @param type the message type that chose the route
 * @param data the JSON text that holds the event
 * @param dataPath the JSON path of {@code data} within the body ({@code data}, {@code detail}, {@code Message.data};
 *     empty for the whole body), for error messages
 */
public record Incoming(SQSMessage message, String type, String data, String dataPath) {

    /** The SQS message id, which a batch item failure names. */
    public String messageId() {
        return message.getMessageId();
    }

    /** The whole body, envelope included. */
    public String body() {
        return message.getBody();
    }

    /** A string message attribute of the SQS message, or null. */
    public String attribute(String name) {
        Map<String, SQSEvent.MessageAttribute> attributes = message.getMessageAttributes();
        SQSEvent.MessageAttribute attribute = attributes == null ? null : attributes.get(name);
        return attribute == null ? null : attribute.getStringValue();
    }
}
