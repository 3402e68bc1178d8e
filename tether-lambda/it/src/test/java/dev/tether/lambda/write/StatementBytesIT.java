package dev.tether.lambda.write;

import static org.assertj.core.api.Assertions.assertThat;

import com.mysql.cj.PreparedQuery;
import com.mysql.cj.jdbc.ClientPreparedStatement;
import dev.tether.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jooq.JSON;

/**
 * {@link StatementBytes} against the statement text Connector/J itself builds with client-side binding: never under
 * the real size (a statement cut by these figures fits its budget), and exact or within a few bytes over.
 */
class StatementBytesIT {

    private static Connection connection;

    @BeforeContainer
    static void connect() throws SQLException {
        connection = TestDatabase.fresh("tether_it_bytes").connect();
    }

    @AfterContainer
    static void close() throws SQLException {
        connection.close();
    }

    @Property(tries = 1_000)
    void theEstimateOfAValueIsNeverUnderTheDriversTextAndAtMostAFewBytesOver(@ForAll("values") Object value)
            throws SQLException {
        int actual = boundBytes(value);
        int estimate = StatementBytes.of(value);

        assertThat(estimate)
                .as("estimate of %s", describe(value))
                .isGreaterThanOrEqualTo(actual)
                .isLessThanOrEqualTo(actual + (value instanceof LocalDateTime ? 10 : 0));
    }

    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(80).map(s -> (Object) s),
                Arbitraries.strings()
                        .withChars("'\"\\\n\r\u0000\u001aaé€𝄞")
                        .ofMaxLength(40)
                        .map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.bigDecimals().ofScale(4).map(d -> (Object) d),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(60).map(b -> (Object) b),
                Arbitraries.longs().between(-30_000_000_000L, 250_000_000_000L).map(s ->
                        (Object) LocalDateTime.ofEpochSecond(s, 0, java.time.ZoneOffset.UTC)),
                Arbitraries.longs().between(0, 253_402_300_799_999_999L).map(n -> (Object) LocalDateTime.ofEpochSecond(
                                n / 1_000_000_000L, (int) (n % 1_000_000_000L), java.time.ZoneOffset.UTC)
                        .truncatedTo(ChronoUnit.MICROS)),
                Arbitraries.strings().alpha().ofMaxLength(30).map(s -> (Object) JSON.valueOf("{\"a\":\"" + s + "\"}")),
                Arbitraries.just(null));
    }

    /** The value with every character outside printable ASCII as its code, for a readable report. */
    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : value.toString();
        StringBuilder out = new StringBuilder(value.getClass().getSimpleName()).append(' ');
        text.chars()
                .forEach(c ->
                        out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "\\u" + Integer.toHexString(c)));
        return out.toString();
    }

    /** The bytes {@code value} takes in the text Connector/J sends for {@code SELECT ?}. */
    private static int boundBytes(Object value) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT ?")) {
            RepeatedRows.bind(
                    statement, 1, value, value == null ? Types.VARCHAR : RepeatedRows.sqlType(value.getClass()));
            String sql = ((PreparedQuery)
                            statement.unwrap(ClientPreparedStatement.class).getQuery())
                    .asSql();
            return sql.getBytes(StandardCharsets.UTF_8).length - "SELECT ".length();
        }
    }
}
