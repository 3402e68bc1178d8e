package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** serverless.yml's default parameters keep the functions' connections within the database's limit. */
class ConnectionBudgetTest {

    @Test
    void theFunctionsNeverOpenMoreConnectionsThanTheDatabaseAllows() throws Exception {
        Map<String, Long> p = defaults(Files.readAllLines(Path.of("serverless.yml")));

        assertThat(p.get("streamReservedConcurrency"))
                .as("one environment per shard and parallelization slot")
                .isGreaterThanOrEqualTo(p.get("streamShards") * p.get("streamParallelization"));
        assertThat(p.get("queueMaxConcurrency") + p.get("streamReservedConcurrency") + p.get("dbReservedConnections"))
                .as("connections at most")
                .isLessThanOrEqualTo(p.get("dbConnectionLimit"));
    }

    /** The numeric parameters under params.default. */
    private static Map<String, Long> defaults(List<String> lines) {
        Pattern number = Pattern.compile("^    (\\w+): (\\d+)\\s*$");
        Map<String, Long> values = new HashMap<>();
        boolean inDefaults = false;
        for (String line : lines) {
            if (line.equals("  default:")) {
                inDefaults = true;
            } else if (inDefaults && !line.startsWith("    ") && !line.isBlank() && !line.trim().startsWith("#")) {
                break;
            }
            Matcher m = number.matcher(line);
            if (inDefaults && m.matches()) {
                values.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        assertThat(values).containsKeys("dbConnectionLimit", "dbReservedConnections", "queueMaxConcurrency",
                "streamShards", "streamParallelization", "streamReservedConcurrency");
        return values;
    }
}
