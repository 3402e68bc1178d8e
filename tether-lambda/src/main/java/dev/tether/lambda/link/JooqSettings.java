package dev.tether.lambda.link;

import org.jooq.conf.Settings;

/** How Tether runs jOOQ: the settings of every link's configuration, and jOOQ's JVM-wide switches. */
final class JooqSettings {

    static {
        // jOOQ prints a banner and a tip on first use; neither belongs in a Lambda log.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private JooqSettings() {}

    static Settings create() {
        return new Settings()
                .withRenderSchema(false)
                .withRenderCatalog(false)
                .withExecuteLogging(false)
                // Connector/J binds on the client (no server-side prepared statements), so there is no placeholder
                // limit to respect: never let jOOQ inline values into a large multi-row statement.
                .withInlineThreshold(Integer.MAX_VALUE);
    }
}
