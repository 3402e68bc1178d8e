package dev.tether.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.write.RowStatement;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
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

    record Shipped(String parcel, java.util.Date at) {}

    @Test
    void aComponentTheBindingCannotReadIsRefusedNamingRouteComponentAndType() {
        assertThatThrownBy(() -> SqsBatchHandler.builder()
                        .config(CONFIG)
                        .route(SqsRoute.of("Shipped", Shipped.class).writer((tx, events) -> {}))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("route Shipped cannot bind its data into Shipped")
                .hasMessageContaining("component at has type java.util.Date")
                .hasMessageContaining("Instant");
    }

    record Delivery(String parcel, java.time.Instant pickedUpAt, java.time.Instant deliveredAt) {}

    /** A table declared as jOOQ's code generator declares one. */
    static final class Parcels extends TableImpl<Record> {
        private static final long serialVersionUID = 1L;

        final TableField<Record, String> parcel = createField(DSL.name("parcel"), SQLDataType.VARCHAR(64));
        final TableField<Record, String> status = createField(DSL.name("status"), SQLDataType.VARCHAR(16));

        Parcels() {
            super(DSL.name("parcels"));
        }
    }

    private static final Parcels PARCELS = new Parcels();
    private static final Field<String> PARCEL = PARCELS.parcel;
    private static final Field<String> STATUS = PARCELS.status;

    @Test
    void anUpdateClauseWithABindValueIsRefusedWhenDeclared() {
        assertThatThrownBy(() -> RowStatement.insertInto(PARCELS, Delivery.class)
                        .value(PARCEL, Delivery::parcel)
                        .onDuplicateKeyUpdate(STATUS, DSL.val("DELIVERED")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the update of column status in parcels holds a bind value")
                .hasMessageContaining("DSL.inline(");
    }

    @Test
    void anInlinedConstantInTheUpdateClauseIsAccepted() {
        RowStatement<Delivery> statement = RowStatement.insertInto(PARCELS, Delivery.class)
                .value(PARCEL, Delivery::parcel)
                .value(STATUS, d -> "PICKED_UP")
                .onDuplicateKeyUpdate(STATUS, DSL.inline("DELIVERED"));

        assertThat(statement).isNotNull();
    }

    @Test
    void primingRunsEveryRouteOnItsOwnAndNamesEachOneThatFails() {
        assertThatThrownBy(() -> SqsBatchHandler.builder()
                        .config(CONFIG.withPrime(true))
                        .route(SqsRoute.of("Fine", Thing.class).writer((tx, events) -> {}))
                        .route(SqsRoute.of("Picky", Other.class)
                                .validate(o -> {
                                    if (!o.id().startsWith("ord-")) {
                                        throw new InvalidMessageException("data.id", "must start with ord-");
                                    }
                                })
                                .writer((tx, events) -> {}))
                        .route(SqsRoute.of("Delivery", Delivery.class)
                                .sample("{\"eventId\":\"00000000-0000-4000-8000-000000000001\",\"type\":\"Delivery\","
                                        + "\"occurredAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"parcel\":\"p\","
                                        + "\"pickedUpAt\":\"2026-01-01T00:00:00Z\"}}")
                                .writer((tx, events) -> {}))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("route Picky: its made-up sample is refused (data.id: must start with ord-)")
                .hasMessageContaining("give the route a valid body with .sample(")
                .hasMessageContaining("route Delivery: its sample is refused (data.deliveredAt: is required)")
                .hasMessageNotContaining("route Fine");
    }

    @Test
    void aWriterThatFailsOnAValidEventStopsTheStartWhenPrimed() {
        assertThatThrownBy(() -> SqsBatchHandler.builder()
                        .config(CONFIG.withPrime(true))
                        .route(SqsRoute.of("Thing", Thing.class).writer((tx, events) -> {
                            throw new IllegalStateException("statement does not repeat by rows");
                        }))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("route Thing: its writer fails on a valid event")
                .hasMessageContaining("statement does not repeat by rows");
    }

    @Test
    void aMadeUpSampleSatisfiesEveryReadableType() {
        assertThat(Samples.of(Delivery.class))
                .isEqualTo("{\"parcel\":\"prime\",\"pickedUpAt\":\"2026-01-01T00:00:00Z\","
                        + "\"deliveredAt\":\"2026-01-01T00:00:00Z\"}");
    }
}
