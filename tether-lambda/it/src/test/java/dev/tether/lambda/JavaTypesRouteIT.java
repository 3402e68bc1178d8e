package dev.tether.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.lambda.link.Migrations;
import dev.tether.lambda.write.RowStatement;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Record;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A team's own event as Java developers write it (two {@code Instant}s, an {@code Optional<String>}, an enum and a
 * UUID), bound by the default strict binding, primed at init, through {@link SqsBatchHandler} against the real
 * server.
 */
class JavaTypesRouteIT {

    enum Status {
        DELIVERED,
        RETURNED
    }

    record ParcelDelivered(
            UUID parcelId, Status status, Instant pickedUpAt, Instant deliveredAt, Optional<String> signedBy) {}

    /** {@code deliveries}, declared as jOOQ's code generator declares it. */
    static final class Deliveries extends TableImpl<Record> {
        static final Deliveries DELIVERIES = new Deliveries();
        final TableField<Record, String> PARCEL_ID =
                createField(DSL.name("parcel_id"), SQLDataType.CHAR(36).nullable(false), this, "");
        final TableField<Record, String> STATUS =
                createField(DSL.name("status"), SQLDataType.VARCHAR(16).nullable(false), this, "");
        final TableField<Record, LocalDateTime> PICKED_UP_AT = createField(
                DSL.name("picked_up_at"), SQLDataType.LOCALDATETIME(6).nullable(false), this, "");
        final TableField<Record, LocalDateTime> DELIVERED_AT = createField(
                DSL.name("delivered_at"), SQLDataType.LOCALDATETIME(6).nullable(false), this, "");
        final TableField<Record, String> SIGNED_BY =
                createField(DSL.name("signed_by"), SQLDataType.VARCHAR(64), this, "");
        final TableField<Record, Integer> UPDATES =
                createField(DSL.name("updates"), SQLDataType.INTEGER.nullable(false), this, "");

        private Deliveries() {
            super(DSL.name("deliveries"));
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return Internal.createUniqueKey(this, DSL.name("pk_deliveries"), new TableField[] {PARCEL_ID}, true);
        }
    }

    private static final Deliveries D = Deliveries.DELIVERIES;

    static final RowStatement<ParcelDelivered> DELIVER = RowStatement.insertInto(D, ParcelDelivered.class)
            .value(D.PARCEL_ID, e -> e.parcelId().toString())
            .value(D.STATUS, e -> e.status().name())
            .value(D.PICKED_UP_AT, e -> LocalDateTime.ofInstant(e.pickedUpAt(), ZoneOffset.UTC))
            .value(D.DELIVERED_AT, e -> LocalDateTime.ofInstant(e.deliveredAt(), ZoneOffset.UTC))
            .value(D.SIGNED_BY, e -> e.signedBy().orElse(null))
            .value(D.UPDATES, e -> 1)
            .onDuplicateKeyUpdate(D.STATUS, DSL.excluded(D.STATUS))
            .onDuplicateKeyUpdate(D.UPDATES, D.UPDATES.plus(DSL.inline(1)));

    private Database database;

    @BeforeEach
    void table() {
        database = TestDatabase.empty("tether_it_java_types");
        Sql.execute(
                database,
                "CREATE TABLE deliveries (parcel_id CHAR(36) NOT NULL PRIMARY KEY, status VARCHAR(16) NOT NULL,"
                        + " picked_up_at DATETIME(6) NOT NULL, delivered_at DATETIME(6) NOT NULL,"
                        + " signed_by VARCHAR(64) NULL, updates INT NOT NULL)");
    }

    private SqsBatchHandler handler() {
        return SqsBatchHandler.builder()
                .config(database.config().withPrime(true))
                .migrations(Migrations.tetherOnly())
                .name("parcels")
                .route(SqsRoute.of("ParcelDelivered", ParcelDelivered.class)
                        .validate(e -> {
                            if (e.deliveredAt().isBefore(e.pickedUpAt())) {
                                throw new InvalidMessageException("data.deliveredAt", "must not be before pickedUpAt");
                            }
                        })
                        .writer(DELIVER::write))
                .build();
    }

    @Test
    void validMessagesCommitEachInvalidOneIsReportedAloneAndDuplicatesApplyOnce() {
        try (SqsBatchHandler handler = handler()) {
            String signed = body(
                    UUID.randomUUID(),
                    "{\"parcelId\":\"00000000-0000-4000-8000-0000000000a1\","
                            + "\"status\":\"DELIVERED\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\","
                            + "\"deliveredAt\":\"2026-11-30T10:15:30.123456+01:00\",\"signedBy\":\"Ann\"}");
            String unsigned = body(
                    UUID.randomUUID(),
                    "{\"parcelId\":\"00000000-0000-4000-8000-0000000000a2\","
                            + "\"status\":\"RETURNED\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\","
                            + "\"deliveredAt\":\"2026-11-30T12:00:00Z\"}");
            String nullSigned = body(
                    UUID.randomUUID(),
                    "{\"parcelId\":\"00000000-0000-4000-8000-0000000000a3\","
                            + "\"status\":\"DELIVERED\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\","
                            + "\"deliveredAt\":\"2026-11-30T12:00:00Z\",\"signedBy\":null}");
            List<String> invalid = List.of(
                    body(
                            UUID.randomUUID(),
                            "{\"parcelId\":\"00000000-0000-4000-8000-0000000000b1\","
                                    + "\"status\":\"DELIVERED\",\"pickedUpAt\":1764489600,"
                                    + "\"deliveredAt\":\"2026-11-30T12:00:00Z\"}"),
                    body(
                            UUID.randomUUID(),
                            "{\"parcelId\":\"00000000-0000-4000-8000-0000000000b2\","
                                    + "\"status\":\"LOST\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\","
                                    + "\"deliveredAt\":\"2026-11-30T12:00:00Z\"}"),
                    body(
                            UUID.randomUUID(),
                            "{\"parcelId\":\"00000000-0000-4000-8000-0000000000b3\","
                                    + "\"status\":\"DELIVERED\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\"}"),
                    body(
                            UUID.randomUUID(),
                            "{\"parcelId\":\"00000000-0000-4000-8000-0000000000b4\","
                                    + "\"status\":\"DELIVERED\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\","
                                    + "\"deliveredAt\":\"2026-11-30T12:00:00\"}"),
                    body(
                            UUID.randomUUID(),
                            "{\"parcelId\":\"00000000-0000-4000-8000-0000000000b5\","
                                    + "\"status\":\"DELIVERED\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\","
                                    + "\"deliveredAt\":\"2026-11-30T12:00:00Z\",\"signedBy\":42}"),
                    body(
                            UUID.randomUUID(),
                            "{\"parcelId\":\"00000000-0000-4000-8000-0000000000b6\","
                                    + "\"status\":\"DELIVERED\",\"pickedUpAt\":\"2026-11-30T08:00:00Z\","
                                    + "\"deliveredAt\":\"2026-11-29T12:00:00Z\"}"));
            List<Message> batch = new ArrayList<>();
            batch.add(Message.of(signed));
            List<String> invalidIds = new ArrayList<>();
            for (String body : invalid) {
                Message message = Message.of(body);
                invalidIds.add(message.messageId());
                batch.add(message);
            }
            batch.add(Message.of(unsigned));
            batch.add(Message.of(signed));
            batch.add(Message.of(nullSigned));

            SQSBatchResponse first =
                    handler.handleRequest(SqsEvents.event(batch), new InvocationContext("parcels", 30_000));
            SQSBatchResponse again = handler.handleRequest(
                    SqsEvents.event(List.of(Message.of(signed), Message.of(unsigned))),
                    new InvocationContext("parcels", 30_000));

            assertThat(first.getBatchItemFailures())
                    .extracting(BatchItemFailure::getItemIdentifier)
                    .containsExactlyElementsOf(invalidIds);
            assertThat(again.getBatchItemFailures()).isEmpty();
            assertThat(Sql.rows(
                            database,
                            "SELECT CONCAT_WS('|', parcel_id, status, picked_up_at, delivered_at,"
                                    + " COALESCE(signed_by, '-'), updates) FROM deliveries ORDER BY parcel_id"))
                    .containsExactly(
                            "00000000-0000-4000-8000-0000000000a1|DELIVERED|2026-11-30 08:00:00.000000"
                                    + "|2026-11-30 09:15:30.123456|Ann|1",
                            "00000000-0000-4000-8000-0000000000a2|RETURNED|2026-11-30 08:00:00.000000"
                                    + "|2026-11-30 12:00:00.000000|-|1",
                            "00000000-0000-4000-8000-0000000000a3|DELIVERED|2026-11-30 08:00:00.000000"
                                    + "|2026-11-30 12:00:00.000000|-|1");
        }
    }

    private static String body(UUID eventId, String data) {
        return "{\"eventId\":\"" + eventId + "\",\"type\":\"ParcelDelivered\",\"occurredAt\":\"2026-11-30T12:00:00Z\","
                + "\"data\":" + data + "}";
    }
}
