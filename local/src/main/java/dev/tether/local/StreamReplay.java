package dev.tether.local;

import dev.tether.processor.handler.InvocationContext;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tether.embedded.EmbeddedMariaDb;
import dev.tether.processor.config.TetherConfig;
import dev.tether.processor.handler.CustomerStreamHandler;
import dev.tether.schema.TetherSchema;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jooq.SQLDialect;

/**
 * Replays a file of DynamoDB stream records (the JSON Lambda receives: {@code {"Records": [...]}}) through the
 * stream handler in batches, with Lambda's checkpoint semantics: a reported failure is retried from its sequence
 * number up to {@code --max-retries} times, then skipped (as an on-failure destination would receive it).
 */
public final class StreamReplay {

    /** What a replay did. */
    public record Result(int records, int batches, int retries, List<String> skipped) {}

    private StreamReplay() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        if (args.length < 1) {
            System.err.println("usage: java -cp local/target/tether-local.jar dev.tether.local.StreamReplay FILE"
                    + " [--batch-size N] [--max-retries N]   (database: TETHER_DB_* or an embedded MariaDB)");
            System.exit(2);
        }
        int batchSize = 100;
        int maxRetries = 2;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--batch-size" -> batchSize = Integer.parseInt(args[i + 1]);
                case "--max-retries" -> maxRetries = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        TetherConfig config;
        String url = System.getenv("TETHER_DB_URL");
        if (url != null) {
            config = TetherConfig.fromEnvironment(System.getenv());
        } else {
            EmbeddedMariaDb db = EmbeddedMariaDb.shared();
            db.recreateDatabase("tether");
            config = TetherConfig.of(db.jdbcUrl("tether"), db.user(), db.password(), SQLDialect.MARIADB);
            System.out.println("Embedded MariaDB: " + config.dbUrl());
        }
        TetherSchema.migrate(config.dbUrl(), config.dbUser(), config.dbPassword());
        PrintStream console = System.out;
        try (CustomerStreamHandler handler = new CustomerStreamHandler(config)) {
            Result result = replay(handler, Path.of(args[0]), batchSize, maxRetries);
            console.printf(Locale.ROOT, "replayed %,d records in %,d batches, %,d retries, %,d skipped%s%n",
                    result.records(), result.batches(), result.retries(), result.skipped().size(),
                    result.skipped().isEmpty() ? "" : " " + result.skipped());
            System.exit(result.skipped().isEmpty() ? 0 : 1);
        }
    }

    /** Feeds the file's records to {@code handler} in batches, resuming at each reported checkpoint. */
    public static Result replay(CustomerStreamHandler handler, Path file, int batchSize, int maxRetries)
            throws Exception {
        PojoSerializer<DynamodbEvent> serializer =
                LambdaEventSerializers.serializerFor(DynamodbEvent.class, StreamReplay.class.getClassLoader());
        List<DynamodbStreamRecord> records;
        try (InputStream in = Files.newInputStream(file)) {
            records = serializer.fromJson(in).getRecords();
        }
        int position = 0;
        int batches = 0;
        int retries = 0;
        int attemptsAtCheckpoint = 0;
        List<String> skipped = new ArrayList<>();
        while (position < records.size()) {
            List<DynamodbStreamRecord> batch = records.subList(position, Math.min(position + batchSize, records.size()));
            DynamodbEvent event = new DynamodbEvent();
            event.setRecords(new ArrayList<>(batch));
            StreamsEventResponse response = handler.handleRequest(event, new InvocationContext("tether-customers-local", 120_000));
            batches++;
            if (response.getBatchItemFailures().isEmpty()) {
                position += batch.size();
                attemptsAtCheckpoint = 0;
                continue;
            }
            String checkpoint = response.getBatchItemFailures().get(0).getItemIdentifier();
            int index = position;
            while (index < position + batch.size()
                    && !checkpoint.equals(records.get(index).getDynamodb().getSequenceNumber())) {
                index++;
            }
            if (index != position) {
                attemptsAtCheckpoint = 0;
            }
            position = index;
            if (++attemptsAtCheckpoint > maxRetries) {
                skipped.add(checkpoint);
                position++;
                attemptsAtCheckpoint = 0;
            } else {
                retries++;
            }
        }
        return new Result(records.size(), batches, retries, skipped);
    }
}
