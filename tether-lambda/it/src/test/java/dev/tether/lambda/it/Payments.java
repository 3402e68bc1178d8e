package dev.tether.lambda.it;

import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.name;

import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.SqsBatchHandler;
import dev.tether.lambda.SqsRoute;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.json.JsonChecks;
import dev.tether.lambda.write.RowStatement;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.TableField;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;

/**
 * The library's own test application: PaymentCaptured events added to {@code customer_balances} of the test schema,
 * on the public API only, as a team would write it.
 */
public final class Payments extends SqsBatchHandler {

    /** A captured payment: the customer's balance in {@code currency} grows by {@code amountCents}. */
    public record PaymentCaptured(String paymentId, String customerId, long amountCents, String currency) {}

    /** The table as jOOQ's code generator would describe it (the library's tests generate no code). */
    private static final class Balances extends TableImpl<Record> {
        private static final long serialVersionUID = 1L;

        final TableField<Record, String> customerId =
                createField(name("customer_id"), SQLDataType.VARCHAR(64).nullable(false), this);
        final TableField<Record, String> currency =
                createField(name("currency"), SQLDataType.CHAR(3).nullable(false), this);
        final TableField<Record, Long> balanceCents =
                createField(name("balance_cents"), SQLDataType.BIGINT.nullable(false), this);

        Balances() {
            super(name("customer_balances"));
        }
    }

    private static final Balances BALANCES = new Balances();
    private static final Field<String> CUSTOMER = BALANCES.customerId;
    private static final Field<String> CURRENCY = BALANCES.currency;
    private static final Field<Long> BALANCE = BALANCES.balanceCents;

    static final RowStatement<PaymentCaptured> ADD = RowStatement.insertInto(BALANCES, PaymentCaptured.class)
            .value(CUSTOMER, PaymentCaptured::customerId)
            .value(CURRENCY, PaymentCaptured::currency)
            .value(BALANCE, PaymentCaptured::amountCents)
            .onDuplicateKeyUpdate(BALANCE, BALANCE.plus(excluded(BALANCE)));

    public Payments(TetherConfig config) {
        super(builder()
                .config(config)
                .name("payments")
                .route(SqsRoute.of("PaymentCaptured", PaymentCaptured.class)
                        .validate(e -> {
                            JsonChecks.id(e.paymentId(), "data.paymentId", 64);
                            JsonChecks.id(e.customerId(), "data.customerId", 64);
                            JsonChecks.range(e.amountCents(), "data.amountCents", 1, Long.MAX_VALUE);
                            if (!e.currency().matches("[A-Z]{3}")) {
                                throw new InvalidMessageException("data.currency", "must be three capital letters");
                            }
                        })
                        .writer(ADD::write)));
    }

    /** A PaymentCaptured body with a new event id. */
    public static String paymentCaptured(String customerId, long amountCents, String currency) {
        return paymentCaptured(UUID.randomUUID(), customerId, amountCents, currency);
    }

    /** A PaymentCaptured body with event id {@code eventId}. */
    public static String paymentCaptured(UUID eventId, String customerId, long amountCents, String currency) {
        return "{\"eventId\":\"" + eventId + "\",\"type\":\"PaymentCaptured\",\"occurredAt\":\"2026-11-26T10:16:00Z\","
                + "\"data\":{\"paymentId\":\"pay-" + eventId.toString().substring(0, 8) + "\",\"customerId\":\""
                + customerId + "\",\"amountCents\":" + amountCents + ",\"currency\":\"" + currency + "\"}}";
    }
}
