package dev.tether.lambda.config;

/** A configuration variable is missing or malformed; the message names the variable and what to fix. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
