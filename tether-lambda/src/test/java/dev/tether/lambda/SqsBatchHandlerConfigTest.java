package dev.tether.lambda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.config.TetherConfig;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

/** A handler whose routes cannot work stops at init, before any connection, with a message that says what to fix. */
class SqsBatchHandlerConfigTest {

    record Thing(String id) {}

    record Other(String id) {}

    /** Nothing listens here: the checks must fail before the link would try. */
    private static final TetherConfig CONFIG =
            TetherConfig.of("jdbc:mysql://127.0.0.1:9/none", "u", "p", SQLDialect.MARIADB);

    @Test
    void aHandlerWithoutRoutesIsRefused() {
        assertThatThrownBy(() -> SqsBatchHandler.builder().config(CONFIG).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no route registered");
    }

    @Test
    void aRouteWithoutAWriterIsRefusedNamingTheType() {
        assertThatThrownBy(() -> SqsBatchHandler.builder()
                        .config(CONFIG)
                        .route(SqsRoute.of("Thing", Thing.class))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("route Thing has no writer")
                .hasMessageContaining(".writer(");
    }

    @Test
    void twoRoutesForOneTypeAreRefused() {
        assertThatThrownBy(() -> SqsBatchHandler.builder()
                        .config(CONFIG)
                        .route(SqsRoute.of("Thing", Thing.class).writer((tx, events) -> {}))
                        .route(SqsRoute.of("Thing", Other.class).writer((tx, events) -> {}))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("two routes serve message type Thing");
    }

    @Test
    void oneTypePerQueueTakesOneRoute() {
        assertThatThrownBy(() -> SqsBatchHandler.builder()
                        .config(CONFIG)
                        .envelope(Envelope.singleType())
                        .route(SqsRoute.of("Thing", Thing.class).writer((tx, events) -> {}))
                        .route(SqsRoute.of("Other", Other.class).writer((tx, events) -> {}))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Envelope.singleType() serves one route");
    }

    @Test
    void anInvalidKeyExpressionIsRefused() {
        assertThatThrownBy(() -> SqsBatchHandler.builder()
                        .config(CONFIG)
                        .route(SqsRoute.of("Thing", Thing.class)
                                .writer((tx, events) -> {})
                                .idempotencyKey("a[["))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a valid JMESPath expression");
    }
}
