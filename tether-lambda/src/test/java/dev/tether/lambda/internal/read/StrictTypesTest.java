package dev.tether.lambda.internal.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.lambda.InvalidMessageException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The types Java developers write, each read strictly: valid and invalid JSON, absent vs null vs present. */
class StrictTypesTest {

    /** Any annotation named Nullable counts; this one is a type-use annotation, like JSpecify's. */
    @Target(ElementType.TYPE_USE)
    @Retention(RetentionPolicy.RUNTIME)
    @interface Nullable {}

    /** A declaration annotation of the same simple name in another "package", like Jakarta's. */
    static final class Declaration {
        @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
        @Retention(RetentionPolicy.RUNTIME)
        @interface Nullable {}
    }

    enum Status {
        PENDING,
        DELIVERED
    }

    record Item(String sku, short count) {}

    record Delivered(
            UUID parcelId,
            Instant pickedUpAt,
            OffsetDateTime deliveredAt,
            LocalDate promised,
            BigDecimal charge,
            long weightGrams,
            int stops,
            Integer floor,
            boolean signed,
            Status status,
            List<Item> items,
            Optional<String> signedBy,
            @Nullable String note,
            Optional<Instant> returnedAt) {}

    private static final String VALID = "{\"parcelId\":\"0b6f3f0e-5f44-4c51-9c39-0d0c8b4bd2a1\","
            + "\"pickedUpAt\":\"2026-11-26T10:15:30.123456789Z\","
            + "\"deliveredAt\":\"2026-11-26T12:00:00+01:00\","
            + "\"promised\":\"2026-11-27\","
            + "\"charge\":12.10,"
            + "\"weightGrams\":1200,"
            + "\"stops\":3,"
            + "\"floor\":2,"
            + "\"signed\":true,"
            + "\"status\":\"DELIVERED\","
            + "\"items\":[{\"sku\":\"a\",\"count\":2}],"
            + "\"signedBy\":\"Ann\","
            + "\"note\":\"porch\","
            + "\"returnedAt\":null}";

    private final StrictBinding<Delivered> binding = new StrictBinding<>(Delivered.class);

    @Test
    void everyTypeBindsItsValueExactly() throws Exception {
        Delivered event = binding.bind(VALID);

        assertThat(event.parcelId()).isEqualTo(UUID.fromString("0b6f3f0e-5f44-4c51-9c39-0d0c8b4bd2a1"));
        assertThat(event.pickedUpAt()).isEqualTo(Instant.parse("2026-11-26T10:15:30.123456789Z"));
        assertThat(event.deliveredAt()).isEqualTo(OffsetDateTime.of(2026, 11, 26, 12, 0, 0, 0, ZoneOffset.ofHours(1)));
        assertThat(event.promised()).isEqualTo(LocalDate.of(2026, 11, 27));
        assertThat(event.charge()).isEqualTo(new BigDecimal("12.10"));
        assertThat(event.charge().scale()).isEqualTo(2);
        assertThat(event.weightGrams()).isEqualTo(1200L);
        assertThat(event.stops()).isEqualTo(3);
        assertThat(event.floor()).isEqualTo(2);
        assertThat(event.signed()).isTrue();
        assertThat(event.status()).isEqualTo(Status.DELIVERED);
        assertThat(event.items()).containsExactly(new Item("a", (short) 2));
        assertThat(event.signedBy()).contains("Ann");
        assertThat(event.note()).isEqualTo("porch");
        assertThat(event.returnedAt()).isEmpty();
    }

    @Test
    void anInstantWithAnOffsetIsTheSameInstantInUtc() throws Exception {
        Delivered event = binding.bind(VALID.replace("2026-11-26T10:15:30.123456789Z", "2026-11-26T11:15:30+01:00"));

        assertThat(event.pickedUpAt()).isEqualTo(Instant.parse("2026-11-26T10:15:30Z"));
    }

    @Test
    void aDecimalKeepsEveryDigitNoDoubleOnTheWay() throws Exception {
        Delivered event = binding.bind(VALID.replace("12.10", "0.1000000000000000055511151231257827"));

        assertThat(event.charge()).isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
    }

    @Nested
    class OptionalComponents {

        @Test
        void absentOptionalsAreEmptyAndAbsentNullablesAreNull() throws Exception {
            Delivered event =
                    binding.bind(VALID.replace(",\"signedBy\":\"Ann\",\"note\":\"porch\",\"returnedAt\":null", ""));

            assertThat(event.signedBy()).isEmpty();
            assertThat(event.note()).isNull();
            assertThat(event.returnedAt()).isEmpty();
        }

        @Test
        void nullOptionalsAreEmptyAndNullNullablesAreNull() throws Exception {
            Delivered event = binding.bind(VALID.replace("\"signedBy\":\"Ann\"", "\"signedBy\":null")
                    .replace("\"note\":\"porch\"", "\"note\":null"));

            assertThat(event.signedBy()).isEmpty();
            assertThat(event.note()).isNull();
        }

        @Test
        void aPresentOptionalIsReadAsStrictlyAsARequiredValue() {
            assertThatThrownBy(() -> binding.bind(VALID.replace("\"returnedAt\":null", "\"returnedAt\":1764151200")))
                    .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                        assertThat(e.field()).isEqualTo("returnedAt");
                        assertThat(e.reason()).startsWith("must be an ISO-8601 instant with Z or an offset");
                    });
            assertThatThrownBy(() -> binding.bind(VALID.replace("\"signedBy\":\"Ann\"", "\"signedBy\":7")))
                    .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                        assertThat(e.field()).isEqualTo("signedBy");
                        assertThat(e.reason()).isEqualTo("must be a string");
                    });
        }

        record Declared(String id, @Declaration.Nullable String comment) {}

        @Test
        void aDeclarationAnnotationNamedNullableCountsToo() throws Exception {
            Declared declared = new StrictBinding<>(Declared.class).bind("{\"id\":\"x\"}");

            assertThat(declared).isEqualTo(new Declared("x", null));
        }

        @Test
        void everyOtherComponentStaysRequired() {
            assertThatThrownBy(() -> binding.bind(VALID.replace("\"floor\":2,", "")))
                    .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                        assertThat(e.field()).isEqualTo("floor");
                        assertThat(e.reason()).isEqualTo("is required");
                    });
            assertThatThrownBy(() -> binding.bind(VALID.replace("\"floor\":2", "\"floor\":null")))
                    .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                        assertThat(e.field()).isEqualTo("floor");
                        assertThat(e.reason()).isEqualTo("must not be null");
                    });
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "number for instant    | \"2026-11-26T10:15:30.123456789Z\" | 1764151200                      | pickedUpAt  | must be an ISO-8601 instant with Z or an offset, such as 2026-11-26T10:15:30Z (a string)",
                "instant without zone  | \"2026-11-26T10:15:30.123456789Z\" | \"2026-11-26T10:15:30\"         | pickedUpAt  | must be an ISO-8601 instant with Z or an offset, such as 2026-11-26T10:15:30Z (a string)",
                "date for instant      | \"2026-11-26T10:15:30.123456789Z\" | \"2026-11-26\"                  | pickedUpAt  | must be an ISO-8601 instant with Z or an offset, such as 2026-11-26T10:15:30Z (a string)",
                "invalid day instant   | \"2026-11-26T10:15:30.123456789Z\" | \"2026-02-30T10:15:30Z\"        | pickedUpAt  | must be an ISO-8601 instant with Z or an offset, such as 2026-11-26T10:15:30Z (a string)",
                "zone name             | \"2026-11-26T12:00:00+01:00\"      | \"2026-11-26T12:00:00[Europe/Paris]\" | deliveredAt | must be an ISO-8601 date and time with Z or an offset, such as 2026-11-26T10:15:30+01:00 (a string)",
                "number for offset     | \"2026-11-26T12:00:00+01:00\"      | 0                               | deliveredAt | must be an ISO-8601 date and time with Z or an offset, such as 2026-11-26T10:15:30+01:00 (a string)",
                "number for date       | \"2026-11-27\"                     | 20261127                        | promised    | must be an ISO-8601 date such as 2026-11-26 (a string)",
                "array for date        | \"2026-11-27\"                     | [2026,11,27]                    | promised    | must be an ISO-8601 date such as 2026-11-26 (a string)",
                "invalid date          | \"2026-11-27\"                     | \"2026-02-29\"                  | promised    | must be an ISO-8601 date such as 2026-11-26 (a string)",
                "date with time        | \"2026-11-27\"                     | \"2026-11-27T00:00:00Z\"        | promised    | must be an ISO-8601 date such as 2026-11-26 (a string)",
                "short uuid            | \"0b6f3f0e-5f44-4c51-9c39-0d0c8b4bd2a1\" | \"1-1-1-1-1\"             | parcelId    | must be a UUID of 8-4-4-4-12 hexadecimal digits (a string)",
                "base64 uuid           | \"0b6f3f0e-5f44-4c51-9c39-0d0c8b4bd2a1\" | \"AAAAAAAAAAAAAAAAAAAAAA==\" | parcelId  | must be a UUID of 8-4-4-4-12 hexadecimal digits (a string)",
                "number for uuid       | \"0b6f3f0e-5f44-4c51-9c39-0d0c8b4bd2a1\" | 5                         | parcelId    | must be a UUID of 8-4-4-4-12 hexadecimal digits (a string)",
                "string for decimal    | 12.10                               | \"12.10\"                       | charge      | must be a number with an exponent between -1000 and 1000",
                "huge exponent decimal | 12.10                               | 1e999999999                     | charge      | must be a number with an exponent between -1000 and 1000",
                "boolean for decimal   | 12.10                               | true                            | charge      | must be a number with an exponent between -1000 and 1000",
                "fraction for long     | 1200                                | 1200.5                          | weightGrams | must be a whole number between -9223372036854775808 and 9223372036854775807",
                "string for int        | \"stops\":3                        | \"stops\":\"3\"                 | stops       | must be a whole number between -2147483648 and 2147483647",
                "short overflow        | \"count\":2                        | \"count\":40000                 | items[0].count | must be a whole number between -32768 and 32767",
                "string for Integer    | \"floor\":2                        | \"floor\":\"2\"                 | floor       | must be a whole number between -2147483648 and 2147483647",
                "number for boolean    | \"signed\":true                    | \"signed\":1                    | signed      | must be true or false",
                "lower-case constant   | \"DELIVERED\"                      | \"delivered\"                   | status      | must be one of PENDING, DELIVERED",
                "index for constant    | \"DELIVERED\"                      | 1                               | status      | must be one of PENDING, DELIVERED",
                "null in a list        | [{\"sku\":\"a\",\"count\":2}]     | [null]                          | items[0]    | must not be null",
                "missing nested        | {\"sku\":\"a\",\"count\":2}       | {\"sku\":\"a\"}                 | items[0].count | is required",
                "null required nested  | {\"sku\":\"a\",\"count\":2}       | {\"sku\":null,\"count\":2}      | items[0].sku | must not be null",
            })
    void everyTypeRefusesWhatItCannotHoldNamingThePath(
            String name, String from, String to, String path, String reason) {
        String body = VALID.replace(from, to);
        assertThat(body).as("the case changes the body").isNotEqualTo(VALID);

        assertThatThrownBy(() -> binding.bind(body)).isInstanceOfSatisfying(InvalidMessageException.class, e -> {
            assertThat(e.field()).isEqualTo(path);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).doesNotContain(to.length() > 4 ? to : "\u0000");
        });
    }

    @Nested
    class RefusedAtInit {

        record WithDate(Date when) {}

        record WithLocalDateTime(String id, LocalDateTime when) {}

        record WithRawList(List<?> items) {}

        record WithSet(Set<String> tags) {}

        record WithArray(String[] tags) {}

        record WithNestedOptional(List<Optional<String>> tags) {}

        record WithNullablePrimitive(@Declaration.Nullable long count) {}

        record WithIntegerKeys(Map<Integer, String> byNumber) {}

        record Inner(Object anything) {}

        record WithNested(String id, List<Inner> inners) {}

        static final class NotARecord {
            public String id;
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "WithDate              | component when has type java.util.Date: the strict binding cannot read it",
                    "WithLocalDateTime     | component when has type java.time.LocalDateTime: the strict binding cannot read it",
                    "WithRawList           | component items[] has type java.lang.Object: the strict binding cannot read it",
                    "WithSet               | component tags has type java.util.Set<java.lang.String>: the strict binding cannot read it",
                    "WithArray             | component tags has type java.lang.String[]: use a List instead of an array",
                    "WithNestedOptional    | component tags[] has type java.util.Optional<java.lang.String>: Optional only marks a record component as optional",
                    "WithNullablePrimitive | component count has type long: a primitive cannot be null",
                    "WithIntegerKeys       | component byNumber has type java.util.Map<java.lang.Integer, java.lang.String>: a JSON object's names are strings",
                    "WithNested            | component inners[].anything has type java.lang.Object: the strict binding cannot read it",
                })
        void aComponentTheBindingCannotReadStrictlyIsNamedWithItsType(String record, String message) throws Exception {
            Class<?> type = Class.forName(RefusedAtInit.class.getName() + "$" + record);

            assertThatThrownBy(() -> new StrictBinding<>(type))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message)
                    .hasMessageContaining("The strict binding reads String, boolean");
        }

        @Test
        void aClassThatIsNotARecordIsRefused() {
            assertThatThrownBy(() -> new StrictBinding<>(NotARecord.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a record")
                    .hasMessageContaining(".reader(");
        }

        record Tree(String name, List<Tree> children, Map<String, JsonNode> attributes) {}

        @Test
        void recursiveRecordsMapsAndRawJsonAreReadable() throws Exception {
            Tree tree = new StrictBinding<>(Tree.class)
                    .bind("{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[],\"attributes\":{}}],"
                            + "\"attributes\":{\"x\":{\"deep\":[1,\"two\"]}}}");

            assertThat(tree.children()).singleElement().extracting(Tree::name).isEqualTo("b");
            assertThat(tree.attributes().get("x").get("deep").get(1).asText()).isEqualTo("two");
        }
    }
}
