package dev.tether.lambda.link;

import dev.tether.lambda.config.TetherConfig;
import org.jooq.Configuration;

/**
 * The size, in bytes, that every statement a transaction sends is kept under: {@code TETHER_MAX_STATEMENT_BYTES},
 * or less when the server's {@code max_allowed_packet} is smaller. The link puts it in the configuration of each
 * transaction; the statement builders read it from there.
 */
public final class StatementBudget {

    /** The key of the budget in a jOOQ {@link Configuration#data()}. */
    static final String KEY = "dev.tether.statementBudget";

    /** What a statement is kept under where no link set a budget (dry runs, tools): the configuration's default. */
    public static final int DEFAULT_BYTES = TetherConfig.DEFAULT_MAX_STATEMENT_BYTES;

    private StatementBudget() {}

    /** The budget of the transaction {@code configuration} belongs to. */
    public static int of(Configuration configuration) {
        return configuration.data(KEY) instanceof Integer bytes ? bytes : DEFAULT_BYTES;
    }
}
