package dev.tether.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.link.Migrations;
import dev.tether.testing.Sql;
import dev.tether.testing.StreamRecords;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
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
 * Stream routes on tables the example application does not have: binary and number sort keys, and every mapping
 * hook. The tables are declared for jOOQ here the way jOOQ's code generator declares them.
 */
class StreamRoutesIT {

    /** {@code readings}: partition key {@code device} (B), sort key {@code taken_at} (N). */
    static final class Readings extends TableImpl<Record> {
        static final Readings READINGS = new Readings();
        final TableField<Record, byte[]> DEVICE =
                createField(DSL.name("device"), SQLDataType.VARBINARY(16).nullable(false), this, "");
        final TableField<Record, Long> TAKEN_AT =
                createField(DSL.name("taken_at"), SQLDataType.BIGINT.nullable(false), this, "");
        final TableField<Record, BigDecimal> CELSIUS =
                createField(DSL.name("celsius"), SQLDataType.DECIMAL(6, 2), this, "");
        final TableField<Record, BigInteger> STREAM_SEQUENCE = createField(
                DSL.name("stream_sequence"), SQLDataType.DECIMAL_INTEGER(40).nullable(false), this, "");
        final TableField<Record, Boolean> DELETED =
                createField(DSL.name("deleted"), SQLDataType.BOOLEAN.nullable(false), this, "");

        private Readings() {
            super(DSL.name("readings"));
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return Internal.createUniqueKey(this, DSL.name("pk_readings"), new TableField[] {DEVICE, TAKEN_AT}, true);
        }
    }

    /** {@code profiles}: one key; columns filled by each hook. */
    static final class Profiles extends TableImpl<Record> {
        static final Profiles PROFILES = new Profiles();
        final TableField<Record, String> ID =
                createField(DSL.name("id"), SQLDataType.VARCHAR(64).nullable(false), this, "");
        final TableField<Record, String> DISPLAY_NAME =
                createField(DSL.name("display_name"), SQLDataType.VARCHAR(64), this, "");
        final TableField<Record, String> CITY = createField(DSL.name("city"), SQLDataType.VARCHAR(64), this, "");
        final TableField<Record, Integer> NAME_LENGTH =
                createField(DSL.name("name_length"), SQLDataType.INTEGER, this, "");
        final TableField<Record, String> NOTE =
                createField(DSL.name("note"), SQLDataType.VARCHAR(64).nullable(false), this, "");
        final TableField<Record, BigInteger> STREAM_SEQUENCE = createField(
                DSL.name("stream_sequence"), SQLDataType.DECIMAL_INTEGER(40).nullable(false), this, "");
        final TableField<Record, Boolean> DELETED =
                createField(DSL.name("deleted"), SQLDataType.BOOLEAN.nullable(false), this, "");

        private Profiles() {
            super(DSL.name("profiles"));
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return Internal.createUniqueKey(this, DSL.name("pk_profiles"), new TableField[] {ID}, true);
        }
    }

    private Database database;

    @BeforeEach
    void tables() {
        database = TestDatabase.empty("tether_it_stream_routes");
        Sql.execute(
                database,
                "CREATE TABLE readings (device VARBINARY(16) NOT NULL, taken_at BIGINT NOT NULL, celsius DECIMAL(6,2),"
                        + " stream_sequence DECIMAL(40,0) NOT NULL, deleted BOOLEAN NOT NULL,"
                        + " PRIMARY KEY (device, taken_at))",
                "CREATE TABLE profiles (id VARCHAR(64) NOT NULL PRIMARY KEY, display_name VARCHAR(64),"
                        + " city VARCHAR(64), name_length INT, note VARCHAR(64) NOT NULL DEFAULT 'kept',"
                        + " stream_sequence DECIMAL(40,0) NOT NULL, deleted BOOLEAN NOT NULL)");
    }

    private StreamReplicationHandler handler(StreamRoute... routes) {
        StreamReplicationHandler.Builder builder =
                StreamReplicationHandler.builder().config(database.config()).migrations(Migrations.tetherOnly());
        for (StreamRoute route : routes) {
            builder.route(route);
        }
        return builder.build();
    }

    @Test
    void binaryPartitionAndNumberSortKeysReplicateAndLockInOneStableOrder() {
        try (StreamReplicationHandler handler = handler(StreamRoute.to(Readings.READINGS))) {
            byte[] high = {(byte) 0xff, 0x01};
            byte[] low = {0x00, 0x7f};
            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    10,
                                    "Readings",
                                    reading(high, "20"),
                                    readingImage(high, "20", "21.5"),
                                    false),
                            record(
                                    "INSERT",
                                    11,
                                    "Readings",
                                    reading(low, "20"),
                                    readingImage(low, "20", "-3.25"),
                                    false),
                            record("INSERT", 12, "Readings", reading(high, "3"), readingImage(high, "3", "19"), false),
                            record(
                                    "MODIFY",
                                    13,
                                    "Readings",
                                    reading(high, "20"),
                                    readingImage(high, "20", "22"),
                                    false),
                            record("REMOVE", 14, "Readings", reading(low, "20"), null, false)));

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(Sql.rows(
                            database,
                            "SELECT CONCAT_WS('|', HEX(device), taken_at, IFNULL(celsius, 'null'),"
                                    + " stream_sequence, deleted) FROM readings ORDER BY device, taken_at"))
                    .containsExactly("007F|20|null|14|1", "FF01|3|19.00|12|0", "FF01|20|22.00|13|0");
        }
    }

    @Test
    void aNumberKeyThatDoesNotFitItsColumnIsTheCheckpoint() {
        try (StreamReplicationHandler handler = handler(StreamRoute.to(Readings.READINGS))) {
            byte[] device = {1};
            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    20,
                                    "Readings",
                                    reading(device, "1"),
                                    readingImage(device, "1", "1"),
                                    false),
                            record(
                                    "INSERT",
                                    21,
                                    "Readings",
                                    reading(device, "1.5"),
                                    readingImage(device, "1.5", "1"),
                                    false)));

            assertThat(response.getBatchItemFailures())
                    .extracting(BatchItemFailure::getItemIdentifier)
                    .containsExactly("21");
            assertThat(Sql.number(database, "SELECT COUNT(*) FROM readings")).isEqualTo(1);
        }
    }

    @Test
    void mappingHooksRenameSkipReachIntoNestedAttributesAndCompute() {
        StreamRoute route = StreamRoute.of("UserProfiles", Profiles.PROFILES)
                .attribute("display_name", "name")
                .path("city", "address", "city")
                .computed(
                        "name_length",
                        image -> image.containsKey("name")
                                ? image.get("name").getS().length()
                                : null)
                .skip("note");
        try (StreamReplicationHandler handler = handler(route)) {
            String image = "{\"id\":{\"S\":\"p-1\"},\"name\":{\"S\":\"Grace\"},\"note\":{\"S\":\"from dynamo\"},"
                    + "\"address\":{\"M\":{\"city\":{\"S\":\"Utrecht\"},\"zip\":{\"S\":\"3511\"}}}}";

            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record("INSERT", 30, "UserProfiles", "{\"id\":{\"S\":\"p-1\"}}", image, false),
                            record(
                                    "INSERT",
                                    31,
                                    "UserProfiles",
                                    "{\"id\":{\"S\":\"p-2\"}}",
                                    "{\"id\":{\"S\":\"p-2\"}}",
                                    false)));

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(
                            Sql.rows(
                                    database,
                                    "SELECT CONCAT_WS('|', id, IFNULL(display_name, 'null'),"
                                            + " IFNULL(city, 'null'), IFNULL(name_length, 'null'), note) FROM profiles ORDER BY id"))
                    .containsExactly("p-1|Grace|Utrecht|5|kept", "p-2|null|null|null|kept");
        }
    }

    @Test
    void aComputedValueThatFailsIsTheCheckpointWithTheColumnNamed() {
        StreamRoute route = StreamRoute.of("UserProfiles", Profiles.PROFILES)
                .computed("name_length", image -> image.get("name").getS().length())
                .skip("note");
        try (StreamReplicationHandler handler = handler(route)) {
            StreamsEventResponse response = invoke(
                    handler,
                    List.of(
                            record(
                                    "INSERT",
                                    40,
                                    "UserProfiles",
                                    "{\"id\":{\"S\":\"p-1\"}}",
                                    "{\"id\":{\"S\":\"p-1\"},\"name\":{\"S\":\"Ada\"}}",
                                    false),
                            record(
                                    "INSERT",
                                    41,
                                    "UserProfiles",
                                    "{\"id\":{\"S\":\"p-2\"}}",
                                    "{\"id\":{\"S\":\"p-2\"}}",
                                    false)));

            assertThat(response.getBatchItemFailures())
                    .extracting(BatchItemFailure::getItemIdentifier)
                    .containsExactly("41");
            assertThat(Sql.rows(database, "SELECT id FROM profiles")).containsExactly("p-1");
        }
    }

    @Test
    void timeToLiveDeletesLeaveTombstonesUnlessTheRouteKeepsRows() {
        byte[] device = {7};
        List<String> history = List.of(
                record("INSERT", 50, "Readings", reading(device, "1"), readingImage(device, "1", "5"), false),
                record("REMOVE", 51, "Readings", reading(device, "1"), null, true));
        try (StreamReplicationHandler tombstones = handler(StreamRoute.to(Readings.READINGS))) {
            assertThat(invoke(tombstones, history).getBatchItemFailures()).isEmpty();
        }
        assertThat(Sql.rows(
                        database,
                        "SELECT CONCAT_WS('|', IFNULL(celsius, 'null'), stream_sequence, deleted)" + " FROM readings"))
                .containsExactly("null|51|1");

        Sql.execute(database, "DELETE FROM readings");
        try (StreamReplicationHandler archive =
                handler(StreamRoute.to(Readings.READINGS).ttlDeletes(TtlDeletes.KEEP_ROW))) {
            assertThat(invoke(archive, history).getBatchItemFailures()).isEmpty();
        }
        assertThat(Sql.rows(database, "SELECT CONCAT_WS('|', celsius, stream_sequence, deleted) FROM readings"))
                .containsExactly("5.00|50|0");
    }

    @Test
    void aRouteThatCannotWorkStopsTheStartNamingWhatToFix() {
        assertThatThrownBy(() -> handler(StreamRoute.to(Profiles.PROFILES)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("profiles.note must be nullable")
                .hasMessageContaining(".skip(\"note\")");
        assertThatThrownBy(() -> handler(StreamRoute.to(Readings.READINGS).path("nope", "a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("names column 'nope'");
        assertThatThrownBy(() -> handler(StreamRoute.to(Readings.READINGS), StreamRoute.to(Readings.READINGS)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("two stream routes serve DynamoDB table Readings");
    }

    private static StreamsEventResponse invoke(StreamReplicationHandler handler, List<String> records) {
        return handler.handleRequest(StreamRecords.eventOf(records), new InvocationContext("tether-stream", 60_000));
    }

    private static String reading(byte[] device, String takenAt) {
        return "{\"device\":{\"B\":\"" + Base64.getEncoder().encodeToString(device) + "\"},\"takenAt\":{\"N\":\""
                + takenAt + "\"}}";
    }

    private static String readingImage(byte[] device, String takenAt, String celsius) {
        String key = reading(device, takenAt);
        return key.substring(0, key.length() - 1) + ",\"celsius\":{\"N\":\"" + celsius + "\"}}";
    }

    /** One record of {@code table}: DynamoDB JSON keys and new image (null: a REMOVE, whose old image is the key). */
    private static String record(
            String eventName, long sequence, String table, String keys, String newImage, boolean byTimeToLive) {
        StreamRecords.Change change =
                StreamRecords.Change.raw(eventName, sequence, keys, newImage, newImage == null ? keys : null);
        return StreamRecords.record(table, byTimeToLive ? change.byTimeToLive() : change);
    }
}
