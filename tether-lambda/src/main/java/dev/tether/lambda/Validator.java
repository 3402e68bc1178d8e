package dev.tether.lambda;

/**
 * Checks an event that was read (bound) successfully, for the rules a type cannot state: lengths, ranges,
 * formats. Throw {@link InvalidMessageException} naming the JSON path ({@code data.sku}) and what was expected; the
 * helpers of {@link dev.tether.lambda.json.JsonChecks} do both.
 */
@FunctionalInterface
public interface Validator<E> {

    /** Accepts {@code event} or throws. */
    void validate(E event) throws InvalidMessageException;
}
