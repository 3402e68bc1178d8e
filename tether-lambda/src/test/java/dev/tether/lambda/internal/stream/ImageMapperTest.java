package dev.tether.lambda.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.tether.lambda.internal.stream.ReplicaTable.Column;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.jooq.DataType;
import org.jooq.JSON;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;

class ImageMapperTest {

    @Test
    void numbersGoExactlyIntoDecimalAndIntegerColumns() throws Exception {
        assertThat(convert(SQLDataType.DECIMAL(18, 2), n("12345.67"))).isEqualTo(new BigDecimal("12345.67"));
        assertThat((BigDecimal) convert(SQLDataType.DECIMAL(18, 2), n("1.500"))).isEqualByComparingTo("1.50");
        assertThat(convert(SQLDataType.DECIMAL(38, 0), n("99999999999999999999999999999999999999")))
                .isEqualTo(new BigDecimal("99999999999999999999999999999999999999"));
        assertThat(convert(SQLDataType.BIGINT, n("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
        assertThat(convert(SQLDataType.INTEGER, n("-2147483648"))).isEqualTo(Integer.MIN_VALUE);
        assertThat(convert(SQLDataType.SMALLINT, n("1E+3"))).isEqualTo((short) 1000);
    }

    @Test
    void numbersThatDoNotFitNameTheAttributeTheColumnAndTheType() {
        assertMismatch(SQLDataType.DECIMAL(18, 2), n("1.005"), "attribute 'a' (N) has 3 fractional digits");
        assertMismatch(SQLDataType.DECIMAL(18, 2), n("12345678901234567"), "too many integer digits");
        assertMismatch(SQLDataType.BIGINT, n("9223372036854775808"), "out of range");
        assertMismatch(SQLDataType.TINYINT, n("128"), "out of range");
        assertMismatch(SQLDataType.INTEGER, n("1.5"), "has a fraction");
        assertMismatch(SQLDataType.INTEGER, s("1"), "(S) is not of type N");
        assertMismatch(SQLDataType.VARCHAR(3), s("abcd"), "has 4 characters");
        assertMismatch(SQLDataType.VARCHAR(10), n("1"), "(N) is not of type S");
        assertMismatch(SQLDataType.BOOLEAN, s("true"), "(S) is not of type BOOL");
        assertMismatch(SQLDataType.LOCALDATETIME(6), s("yesterday"), "not an ISO-8601 date-time");
        assertMismatch(SQLDataType.VARBINARY(2), b(new byte[] {1, 2, 3}), "has 3 bytes");
    }

    @Test
    void textBooleansDatesAndBinariesGoIntoTheirColumns() throws Exception {
        assertThat(convert(SQLDataType.VARCHAR(64), s("cus-42"))).isEqualTo("cus-42");
        assertThat(convert(SQLDataType.BOOLEAN, bool(true))).isEqualTo(true);
        assertThat(convert(SQLDataType.LOCALDATETIME(6), s("2026-11-26T11:15:30.1234567+01:00")))
                .isEqualTo(LocalDateTime.parse("2026-11-26T10:15:30.123456"));
        assertThat(convert(SQLDataType.LOCALDATETIME(6), s("2026-11-26T10:15:30")))
                .isEqualTo(LocalDateTime.parse("2026-11-26T10:15:30"));
        assertThat((byte[]) convert(SQLDataType.VARBINARY(8), b(new byte[] {1, 2, 3})))
                .containsExactly(1, 2, 3);
    }

    @Test
    void mapsListsAndSetsBecomeJsonWithExactNumbers() throws Exception {
        AttributeValue map = new AttributeValue()
                .withM(Map.of(
                        "b", n("0.10000000000000000000000001"),
                        "a",
                                new AttributeValue()
                                        .withL(List.of(s("x"), bool(false), new AttributeValue().withNULL(true))),
                        "c", new AttributeValue().withSS(List.of("s1", "s2")),
                        "d", new AttributeValue().withNS(List.of("1", "2.50")),
                        "e", new AttributeValue().withBS(List.of(ByteBuffer.wrap(new byte[] {0, 1}))),
                        "f", b(new byte[] {(byte) 0xff})));

        JSON json = (JSON) convert(SQLDataType.JSON, map);

        assertThat(json.data())
                .isEqualTo("{\"a\":[\"x\",false,null],\"b\":0.10000000000000000000000001,"
                        + "\"c\":[\"s1\",\"s2\"],\"d\":[1,2.50],\"e\":[\"AAE=\"],\"f\":\"/w==\"}");
    }

    private static Object convert(DataType<?> type, AttributeValue value) throws InvalidRecordException {
        return ImageMapper.convert(new Column(DSL.field(DSL.name("col"), type), "a"), value);
    }

    private static void assertMismatch(DataType<?> type, AttributeValue value, String message) {
        assertThatThrownBy(() -> convert(type, value))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("(column col ");
    }

    private static AttributeValue s(String text) {
        return new AttributeValue().withS(text);
    }

    private static AttributeValue n(String number) {
        return new AttributeValue().withN(number);
    }

    private static AttributeValue bool(boolean value) {
        return new AttributeValue().withBOOL(value);
    }

    private static AttributeValue b(byte[] bytes) {
        return new AttributeValue().withB(ByteBuffer.wrap(bytes));
    }
}
