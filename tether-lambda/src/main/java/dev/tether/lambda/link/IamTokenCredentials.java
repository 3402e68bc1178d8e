package dev.tether.lambda.link;

import static java.util.concurrent.TimeUnit.MINUTES;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * RDS IAM authentication: the password of each new connection is a signed token, valid for 15 minutes. Tokens are
 * reused for 10 minutes, so a connection is never opened with one about to expire; an open connection stays open
 * after its token expires (RDS checks the token at login only).
 */
final class IamTokenCredentials implements LoginSource {

    /** How long a token is reused: well inside its 15-minute validity. */
    static final long TOKEN_REUSE_MS = MINUTES.toMillis(10);

    private final String user;
    private final Supplier<String> tokenGenerator;
    private final LongSupplier clock;
    private String token;
    private long tokenCreatedAt;

    IamTokenCredentials(String user, Supplier<String> tokenGenerator, LongSupplier clock) {
        this.user = user;
        this.tokenGenerator = tokenGenerator;
        this.clock = clock;
    }

    @Override
    public synchronized Login login() {
        long now = clock.getAsLong();
        if (token == null || now - tokenCreatedAt >= TOKEN_REUSE_MS) {
            token = tokenGenerator.get();
            tokenCreatedAt = now;
        }
        return new Login(user, token);
    }

    /** Signs a new token for the next connection: the database refused the last one. */
    @Override
    public synchronized void refresh() {
        token = null;
    }
}
