package dev.tether.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One SQS message as a reader sees it, once its {@link Envelope} is open: the type it carries and the JSON text of
 * its event (the envelope's {@code data}, an EventBridge {@code detail}, or the whole body, as the envelope says).
 * Immutable; read on the thread that processes the batch.
 */
public final class Incoming {

    private final SQSMessage message;
    private final String type;
    private final String dataPath;
    private final Supplier<String> dataText;
    private String data;

    /**
     * @param message the SQS message as Lambda delivered it
     * @param type the message type that chose the route
     * @param data the JSON text that holds the event
     * @param dataPath the JSON path of {@code data} within the body ({@code data}, {@code detail},
     *     {@code Message.data}; empty for the whole body), for error messages
     */
    public Incoming(SQSMessage message, String type, String data, String dataPath) {
        this.message = message;
        this.type = type;
        this.data = data;
        this.dataPath = dataPath;
        this.dataText = null;
    }

    /** An incoming message whose data text is found only if a reader asks for it. */
    Incoming(SQSMessage message, String type, Supplier<String> dataText, String dataPath) {
        this.message = message;
        this.type = type;
        this.dataPath = dataPath;
        this.dataText = dataText;
    }

    /** The SQS message as Lambda delivered it. */
    public SQSMessage message() {
        return message;
    }

    /** The message type that chose the route (null for {@link Envelope#singleType()}). */
    public String type() {
        return type;
    }

    /**
     * The JSON text that holds the event; null only for a route that reads bodies itself when the envelope's data is
     * not a JSON object (the reader then finds that out from the body).
     */
    public String data() {
        if (data == null && dataText != null) {
            data = dataText.get();
        }
        return data;
    }

    /** The JSON path of {@link #data()} within the body, for error messages; empty for the whole body. */
    public String dataPath() {
        return dataPath;
    }

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
