package dev.tether.lambda.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.function.Supplier;

/**
 * Database credentials from a secret in the RDS format ({@code {"username": ..., "password": ...}}), read once and
 * cached; {@link #refresh()} after an authentication failure makes the next connection read the secret again,
 * so a rotated password is picked up without a restart.
 */
final class SecretCredentials implements LoginSource {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Supplier<String> secretSource;
    private Login cached;

    /** {@code secretSource} returns the secret's JSON text (Secrets Manager's GetSecretValue in production). */
    SecretCredentials(Supplier<String> secretSource) {
        this.secretSource = secretSource;
    }

    @Override
    public synchronized Login login() {
        if (cached == null) {
            cached = parse(secretSource.get());
        }
        return cached;
    }

    /** Forgets the cached secret. */
    @Override
    public synchronized void refresh() {
        cached = null;
    }

    private static Login parse(String secret) {
        try {
            JsonNode json = JSON.readTree(secret);
            JsonNode user = json.get("username");
            JsonNode password = json.get("password");
            if (user == null || !user.isTextual() || password == null || !password.isTextual()) {
                throw new IllegalStateException("the database secret must be JSON with string fields 'username' and"
                        + " 'password' (the RDS secret format)");
            }
            return new Login(user.textValue(), password.textValue());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the database secret is not JSON (the RDS secret format is expected)");
        }
    }
}
