package dev.tether.lambda.internal.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.lambda.InvalidMessageException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictBindingTest {

    record Line(String sku, int quantity) {}

    record Event(String id, long amount, boolean flag, double ratio, List<Line> lines, Kind kind) {}

    enum Kind {
        A,
        B
    }

    private final StrictBinding<Event> binding = new StrictBinding<>(Event.class);

    private static final String VALID =
            "{\"id\":\"x\",\"amount\":5,\"flag\":true,\"ratio\":1.5,\"lines\":[{\"sku\":\"s\",\"quantity\":2}],\"kind\":\"A\"}";

    @Test
    void aValidBodyBindsExactlyAndUnknownFieldsAreIgnored() throws Exception {
        Event event = binding.bind(VALID.replace("{\"id\"", "{\"extra\":{\"deep\":[1,2]},\"id\""));

        assertThat(event).isEqualTo(new Event("x", 5, true, 1.5, List.of(new Line("s", 2)), Kind.A));
    }

    @Test
    void anIntegerWhereADoubleBelongsIsANumber() throws Exception {
        assertThat(binding.bind(VALID.replace("1.5", "2")).ratio()).isEqualTo(2.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "string for long      | \"amount\":5        | \"amount\":\"5\"                | amount | must be a whole number between -9223372036854775808 and 9223372036854775807",
                "fraction for long    | \"amount\":5        | \"amount\":5.5                  | amount | must be a whole number between -9223372036854775808 and 9223372036854775807",
                "integral float       | \"amount\":5        | \"amount\":5.0                  | amount | must be a whole number between -9223372036854775808 and 9223372036854775807",
                "exponent             | \"amount\":5        | \"amount\":5e2                  | amount | must be a whole number between -9223372036854775808 and 9223372036854775807",
                "beyond a long        | \"amount\":5        | \"amount\":9223372036854775808  | amount | must be a whole number between -9223372036854775808 and 9223372036854775807",
                "boolean for long     | \"amount\":5        | \"amount\":true                 | amount | must be a whole number between -9223372036854775808 and 9223372036854775807",
                "null for long        | \"amount\":5        | \"amount\":null                 | amount | must not be null",
                "missing long         | \"amount\":5,       | ''                              | amount | is required",
                "number for string    | \"id\":\"x\"        | \"id\":7                        | id     | must be a string",
                "boolean for string   | \"id\":\"x\"        | \"id\":false                    | id     | must be a string",
                "null string          | \"id\":\"x\"        | \"id\":null                     | id     | must not be null",
                "string for boolean   | \"flag\":true       | \"flag\":\"true\"               | flag   | must be true or false",
                "number for boolean   | \"flag\":true       | \"flag\":1                      | flag   | must be true or false",
                "string for double    | \"ratio\":1.5       | \"ratio\":\"1.5\"               | ratio  | must be a number within the range of a double",
                "unknown constant     | \"kind\":\"A\"      | \"kind\":\"C\"                  | kind   | must be one of A, B",
                "number for enum      | \"kind\":\"A\"      | \"kind\":0                      | kind   | must be one of A, B",
                "object for list      | \"lines\":[         | \"lines\":{\"a\":1},\"x\":[     | lines  | must be a JSON array",
                "nested wrong type    | \"quantity\":2      | \"quantity\":\"2\"              | lines[0].quantity | must be a whole number between -2147483648 and 2147483647",
                "int overflow         | \"quantity\":2      | \"quantity\":2147483648         | lines[0].quantity | must be a whole number between -2147483648 and 2147483647",
                "duplicate name       | \"flag\":true       | \"flag\":true,\"flag\":false    | flag   | appears twice",
            })
    void everyViolationNamesThePathAndWhatWasExpected(String name, String from, String to, String path, String reason) {
        String body = VALID.replace(from, to);

        assertThatThrownBy(() -> binding.bind(body)).isInstanceOfSatisfying(InvalidMessageException.class, e -> {
            assertThat(e.field()).isEqualTo(path);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"''", "[1]", "\"text\"", "not json", "{\"id\":\"x\"", "{} {}", "null"})
    void aBodyThatIsNotAnObjectIsRejectedAsAWhole(String body) {
        assertThatThrownBy(() -> binding.bind(body)).isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void errorsNeverEchoTheValue() {
        assertThatThrownBy(() -> binding.bind(VALID.replace("\"amount\":5", "\"amount\":\"secret-4111\"")))
                .hasMessageNotContaining("secret-4111");
    }
}
