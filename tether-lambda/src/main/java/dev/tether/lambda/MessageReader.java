package dev.tether.lambda;

/**
 * Turns one message into a typed event, or says what is wrong with it. Readers run outside any transaction, once
 * per message, and must not keep state between messages. Any exception other than {@link InvalidMessageException}
 * is also turned into that message's own failure: a reader can never take the batch down.
 */
@FunctionalInterface
public interface MessageReader<E> {

    /** The event {@code message} carries. */
    E read(Incoming message) throws InvalidMessageException;
}
