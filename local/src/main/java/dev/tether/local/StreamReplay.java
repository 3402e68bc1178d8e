package dev.tether.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tether.embedded.EmbeddedMariaDb;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.processor.handler.CustomerStreamHandler;
import dev.tether.schema.TetherSchema;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

    static final String USAGE = """
            usage: java -cp local/target/tether-local.jar dev.tether.local.StreamReplay FILE [options]
              FILE                  DynamoDB stream records as Lambda receives them ({"Records": [...]})
              --handler-jar JAR     your shaded Lambda jar, with --handler CLASS: its stream handler
                                    (RequestHandler<DynamodbEvent, StreamsEventResponse>, a public constructor taking
                                    a TetherConfig); without them, the orders application's CustomerStreamHandler
              --batch-size N        records per invocation (100)
              --max-retries N       redeliveries of a batch that reports a checkpoint (2)
            The database: TETHER_DB_URL, TETHER_DB_USER, TETHER_DB_PASSWORD; unset, an embedded MariaDB.""";

    private record Options(Path file, int batchSize, int maxRetries, Path jar, String handler) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        Options options = CommandLine.parseOrExit(
                args,
                USAGE,
                Set.of("--batch-size", "--max-retries", "--handler-jar", "--handler"),
                Set.of(),
                1,
                line -> {
                    String jar = line.text("--handler-jar", null);
                    String handler = line.text("--handler", null);
                    if ((jar == null) != (handler == null)) {
                        throw new CommandLine.UsageException("--handler-jar and --handler go together");
                    }
                    return new Options(
                            Path.of(line.positional().get(0)),
                            line.integer("--batch-size", 100, 1),
                            line.integer("--max-retries", 2, 0),
                            jar == null ? null : Path.of(jar),
                            handler);
                });
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
        PrintStream console = System.out;
        try (AutoCloseableHandler handler = handler(options, config)) {
            Result result = replay(handler, options.file(), options.batchSize(), options.maxRetries());
            console.printf(
                    Locale.ROOT,
                    "replayed %,d records in %,d batches, %,d retries, %,d skipped%s%n",
                    result.records(),
                    result.batches(),
                    result.retries(),
                    result.skipped().size(),
                    result.skipped().isEmpty() ? "" : " " + result.skipped());
            System.exit(result.skipped().isEmpty() ? 0 : 1);
        }
    }

    /** A stream handler that is closed after the replay. */
    private interface AutoCloseableHandler extends RequestHandler<DynamodbEvent, StreamsEventResponse>, AutoCloseable {
        @Override
        void close();
    }

    /** The team's handler from its jar, or the orders application's CustomerStreamHandler on its schema. */
    private static AutoCloseableHandler handler(Options options, TetherConfig config) {
        if (options.jar() != null) {
            return closing(JarHandler.load(
                    options.jar(),
                    options.handler(),
                    DynamodbEvent.class,
                    StreamsEventResponse.class,
                    config.dbUrl(),
                    config.dbUser(),
                    config.dbPassword(),
                    config.dialect(),
                    0));
        }
        TetherSchema.migrate(config.dbUrl(), config.dbUser(), config.dbPassword());
        return closing(new CustomerStreamHandler(config));
    }

    private static <H extends RequestHandler<DynamodbEvent, StreamsEventResponse> & AutoCloseable>
            AutoCloseableHandler closing(H handler) {
        return new AutoCloseableHandler() {
            @Override
            public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
                return handler.handleRequest(event, context);
            }

            @Override
            public void close() {
                try {
                    handler.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Feeds the file's records to {@code handler} in batches, resuming at each reported checkpoint. */
    public static Result replay(
            RequestHandler<DynamodbEvent, StreamsEventResponse> handler, Path file, int batchSize, int maxRetries)
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
            List<DynamodbStreamRecord> batch =
                    records.subList(position, Math.min(position + batchSize, records.size()));
            DynamodbEvent event = new DynamodbEvent();
            event.setRecords(new ArrayList<>(batch));
            StreamsEventResponse response =
                    handler.handleRequest(event, new InvocationContext("tether-stream-local", 120_000));
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
