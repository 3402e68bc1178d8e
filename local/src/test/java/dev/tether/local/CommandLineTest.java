package dev.tether.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.local.CommandLine.HelpRequested;
import dev.tether.local.CommandLine.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static final Set<String> VALUED = Set.of("--events", "--rate");
    private static final Set<String> SWITCHES = Set.of("--quiet");

    @Test
    void readsValuesSwitchesAndPositionalArguments() throws Exception {
        CommandLine line =
                CommandLine.parse(new String[] {"file.json", "--events", "12", "--quiet"}, VALUED, SWITCHES, 1);

        assertThat(line.integer("--events", 1, 1)).isEqualTo(12);
        assertThat(line.decimal("--rate", 0.5, 0, 1)).isEqualTo(0.5);
        assertThat(line.flag("--quiet")).isTrue();
        assertThat(line.positional()).containsExactly("file.json");
    }

    @Test
    void refusesWhatItDoesNotKnowAndNamesIt() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--evnets", "12"}, VALUED, SWITCHES, 0))
                .isInstanceOf(UsageException.class)
                .hasMessage("unknown option --evnets");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--events"}, VALUED, SWITCHES, 0))
                .isInstanceOf(UsageException.class)
                .hasMessage("--events needs a value");
        assertThatThrownBy(
                        () -> CommandLine.parse(new String[] {"--events", "1", "--events", "2"}, VALUED, SWITCHES, 0))
                .isInstanceOf(UsageException.class)
                .hasMessage("--events is given twice");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"stray"}, VALUED, SWITCHES, 0))
                .isInstanceOf(UsageException.class)
                .hasMessage("unexpected argument stray");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {}, VALUED, SWITCHES, 1))
                .isInstanceOf(UsageException.class)
                .hasMessage("expected 1 argument(s), got 0");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--events", "ten"}, VALUED, SWITCHES, 0)
                        .integer("--events", 1, 1))
                .isInstanceOf(UsageException.class)
                .hasMessage("--events needs a whole number; got 'ten'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--events", "0"}, VALUED, SWITCHES, 0)
                        .integer("--events", 1, 1))
                .isInstanceOf(UsageException.class)
                .hasMessage("--events must be at least 1; got 0");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--rate", "NaN"}, VALUED, SWITCHES, 0)
                        .decimal("--rate", 0, 0, 1))
                .isInstanceOf(UsageException.class)
                .hasMessage("--rate must be from 0.0 to 1.0; got NaN");
    }

    @Test
    void helpWinsWhereverItStands() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--bogus", "--help"}, VALUED, SWITCHES, 0))
                .isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--events", "3", "-h"}, VALUED, SWITCHES, 0))
                .isInstanceOf(HelpRequested.class);
    }

    @Test
    void parseOrExitPrintsTheUsageAndExitsZeroOnHelpAndTwoOnAMistakeWithoutReadingFurther() {
        List<Integer> exits = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> read = new ArrayList<>();
        CommandLine.Reader<String> reader = line -> {
            read.add("read");
            return "options";
        };

        CommandLine.parseOrExit(
                new String[] {"--help"},
                "usage: tool",
                VALUED,
                SWITCHES,
                0,
                reader,
                stream(out),
                stream(err),
                exits::add);
        CommandLine.parseOrExit(
                new String[] {"--nope"},
                "usage: tool",
                VALUED,
                SWITCHES,
                0,
                reader,
                stream(out),
                stream(err),
                exits::add);
        String options = CommandLine.parseOrExit(
                new String[] {"--events", "2"},
                "usage: tool",
                VALUED,
                SWITCHES,
                0,
                reader,
                stream(out),
                stream(err),
                exits::add);

        assertThat(exits).containsExactly(0, 2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("usage: tool" + System.lineSeparator());
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("unknown option --nope")
                .contains("usage: tool");
        assertThat(read).containsExactly("read");
        assertThat(options).isEqualTo("options");
    }

    @Test
    void thePipelineRefusesOptionsOutOfRange() {
        assertThatThrownBy(() -> LocalPipeline.parse(new String[] {"--duplicates", "0.6", "--poison", "0.5"}, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("less than 1");
        assertThatThrownBy(() -> LocalPipeline.parse(new String[] {"--batch-size", "10001"}, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("at most 10000");
        assertThatThrownBy(() -> LocalPipeline.parse(new String[] {"--db-dialect", "postgres"}, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("MYSQL or MARIADB");
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
