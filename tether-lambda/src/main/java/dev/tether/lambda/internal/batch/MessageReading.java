package dev.tether.lambda.internal.batch;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.Envelope;
import dev.tether.lambda.Incoming;
import dev.tether.lambda.InvalidMessageException;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a message becomes its route's event: the envelope opened, the route picked by type, the event read and
 * validated, its idempotency key derived. Needs no database, so init primes routes with it before connecting.
 * Immutable; safe for concurrent invocations.
 */
public final class MessageReading {

    private static final Logger LOG = LoggerFactory.getLogger(MessageReading.class);

    private final Envelope envelope;
    private final Map<String, Route> byType;
    private final Route single;
    private final String knownTypes;

    /** {@code single} non-null: every message is that route's (one type per queue). */
    public MessageReading(Envelope envelope, Map<String, Route> byType, Route single) {
        this.envelope = envelope;
        this.byType = Map.copyOf(byType);
        this.single = single;
        this.knownTypes = String.join(", ", new TreeMap<>(byType).keySet());
    }

    /** A message that could not be read, with the route its type named (null when no route was recognised). */
    public static final class Unread extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient Route route;
        private final InvalidMessageException invalid;

        Unread(Route route, InvalidMessageException invalid) {
            super(invalid.getMessage(), null, false, false);
            this.route = route;
            this.invalid = invalid;
        }

        /** The route of the message's type, or null. */
        public Route route() {
            return route;
        }

        /** What is wrong with the message. */
        public InvalidMessageException invalid() {
            return invalid;
        }
    }

    /**
     * A message's route, event and key. Whatever its body holds (any bytes, any size, any nesting), a message that
     * cannot be read is an {@link InvalidMessageException} of its own: a reader's unexpected failure is that
     * message's, never the batch's, so the valid messages beside it still commit.
     */
    public Routed read(SQSMessage message) throws InvalidMessageException {
        try {
            return readRouted(message);
        } catch (Unread unread) {
            throw unread.invalid();
        }
    }

    /** Same as {@link #read}, the failure carrying the route that was recognised, if any. */
    public Routed readRouted(SQSMessage message) throws Unread {
        Route route = null;
        try {
            Incoming incoming = envelope.open(message);
            route = single != null ? single : byType.get(incoming.type());
            if (route == null) {
                throw new InvalidMessageException(
                        envelope.typePath(), "is not a known message type; expected one of " + knownTypes);
            }
            Object event = route.reader().read(incoming);
            return new Routed(
                    message,
                    route,
                    event,
                    route.keys() == null ? null : route.keys().of(message));
        } catch (InvalidMessageException e) {
            throw new Unread(route, e);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error(
                    "message body could not be read",
                    entry("messageId", message.getMessageId()),
                    entry("error", e.getClass().getName()));
            throw new Unread(
                    route,
                    new InvalidMessageException(
                            "body", "could not be read (" + e.getClass().getSimpleName() + ")"));
        }
    }

    /** The name of the route {@code message}'s type names, or {@link SqsBatchProcessor#UNROUTED}. */
    public String routeName(SQSMessage message) {
        if (single != null) {
            return single.name();
        }
        try {
            Route route = byType.get(envelope.open(message).type());
            return route == null ? SqsBatchProcessor.UNROUTED : route.name();
        } catch (InvalidMessageException | RuntimeException | StackOverflowError e) {
            return SqsBatchProcessor.UNROUTED;
        }
    }
}
