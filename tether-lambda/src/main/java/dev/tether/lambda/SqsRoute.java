package dev.tether.lambda;

import dev.tether.lambda.internal.read.StrictBinding;
import java.util.Objects;

/**
 * One message type of a queue: the type name its {@link Envelope} carries, how a message becomes a typed event, and
 * the writer of a whole batch of them. Everything else (one transaction per batch, idempotency in the same
 * transaction, isolation of a bad message, FIFO group order, partial batch responses, deadlines, metrics) is
 * {@link SqsBatchHandler}'s.
 *
 * <p>By default a message's event is its envelope's data bound strictly into {@code eventClass} (a record): nothing
 * is coerced (a string is never a number, a number never a string, no fraction or exponent becomes an integer, an
 * integer out of range is an error), every component is required and not null, duplicate names and content after
 * the value are errors, unknown fields are ignored. A {@link #validate validator} adds the rules a type cannot
 * state. A route may read messages itself instead ({@link #reader}).
 *
 * <p>A route is a value built once, at init; it is immutable and each method returns a new route.
 *
 * @param <E> the event type its writer takes
 */
public final class SqsRoute<E> {

    private final String type;
    private final Class<E> eventClass;
    private final MessageReader<E> reader;
    private final Validator<E> validator;
    private final BatchWriter<E> writer;
    private final String keyExpression;
    private final String sample;

    private SqsRoute(
            String type,
            Class<E> eventClass,
            MessageReader<E> reader,
            Validator<E> validator,
            BatchWriter<E> writer,
            String keyExpression,
            String sample) {
        this.type = type;
        this.eventClass = eventClass;
        this.reader = reader;
        this.validator = validator;
        this.writer = writer;
        this.keyExpression = keyExpression;
        this.sample = sample;
    }

    /**
     * A route for messages of {@code type} (as the envelope names it; ignored by {@link Envelope#singleType()}),
     * whose data binds strictly into {@code eventClass}.
     */
    public static <E> SqsRoute<E> of(String type, Class<E> eventClass) {
        Objects.requireNonNull(eventClass, "eventClass");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("a route needs the message type it serves");
        }
        return new SqsRoute<>(type, eventClass, null, null, null, null, null);
    }

    /**
     * This route, reading each message with {@code reader} instead of binding its data. When every route of a
     * handler reads its messages itself, the envelope recognises the type and leaves the checks of its fields'
     * formats (Tether's {@code eventId} UUID, {@code occurredAt} instant) to the readers, which read them anyway.
     */
    public SqsRoute<E> reader(MessageReader<E> reader) {
        return new SqsRoute<>(
                type, eventClass, Objects.requireNonNull(reader, "reader"), validator, writer, keyExpression, sample);
    }

    /** This route, checking every event it read with {@code validator}. */
    public SqsRoute<E> validate(Validator<E> validator) {
        return new SqsRoute<>(
                type,
                eventClass,
                reader,
                Objects.requireNonNull(validator, "validator"),
                writer,
                keyExpression,
                sample);
    }

    /** This route, writing its events with {@code writer}: required. */
    public SqsRoute<E> writer(BatchWriter<E> writer) {
        return new SqsRoute<>(
                type, eventClass, reader, validator, Objects.requireNonNull(writer, "writer"), keyExpression, sample);
    }

    /**
     * This route, keyed by {@code jmesPath} over the SQS message, in Powertools' syntax (for example
     * {@code powertools_json(body).data.transferId}), instead of the key its envelope proposes.
     */
    public SqsRoute<E> idempotencyKey(String jmesPath) {
        if (jmesPath == null || jmesPath.isBlank()) {
            throw new IllegalArgumentException("an idempotency key expression must not be blank");
        }
        return new SqsRoute<>(type, eventClass, reader, validator, writer, jmesPath, sample);
    }

    /**
     * This route, primed at init with {@code body}: a valid message body that init reads, validates, keys and writes
     * against a database that executes nothing, so that a SnapStart snapshot holds the route's code compiled. Without
     * a sample, a route that binds a record is primed with one made up from the record's components.
     */
    public SqsRoute<E> sample(String body) {
        return new SqsRoute<>(
                type, eventClass, reader, validator, writer, keyExpression, Objects.requireNonNull(body, "body"));
    }

    /** The message type this route serves. */
    public String type() {
        return type;
    }

    /** The Java type of its events. */
    public Class<E> eventClass() {
        return eventClass;
    }

    /** The writer; null until one is set. */
    public BatchWriter<E> writer() {
        return writer;
    }

    /** Its own idempotency key expression, or null for the envelope's. */
    public String keyExpression() {
        return keyExpression;
    }

    /** Its priming body, or null. */
    public String sample() {
        return sample;
    }

    /** The reader in force: the route's own, or the strict binding of {@link #eventClass()}. */
    MessageReader<E> effectiveReader() {
        return reader != null ? reader : new StrictBinding<>(eventClass);
    }

    /** Whether this route binds its data (rather than reading messages itself). */
    boolean binds() {
        return reader == null;
    }

    /** Reads and validates one message; any failure of a reader or validator is this message's. */
    E read(Incoming message, MessageReader<E> effective) throws InvalidMessageException {
        E event = effective.read(message);
        if (event == null) {
            throw new InvalidMessageException("body", "holds no event");
        }
        if (!eventClass.isInstance(event)) {
            throw new InvalidMessageException(
                    "type",
                    "is " + message.type() + ", whose reader returned a "
                            + event.getClass().getSimpleName());
        }
        if (validator != null) {
            validator.validate(event);
        }
        return event;
    }

    @Override
    public String toString() {
        return "SqsRoute[" + type + " → " + eventClass.getSimpleName() + "]";
    }
}
