package dev.tether.processor.handler;

import static dev.tether.processor.testing.StreamEvents.Rec.insert;
import static dev.tether.processor.testing.StreamEvents.Rec.modify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.processor.testing.StreamEvents;
import dev.tether.processor.testing.StreamEvents.Rec;
import dev.tether.testing.Sql;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lambda Managed Instances for DynamoDB Streams: one stream handler instance, on a pool, invoked at once by batches of
 * several shards (each shard's batches in order, as the event source mapping sends them), against the real server.
 */
class ConcurrentShardsIT {

    private static final int SHARDS = 4;
    private static final int BATCHES = 12;

    private final ExecutorService threads = Executors.newFixedThreadPool(SHARDS);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void shardsReplicatedAtOnceKeepEachKeysOrderAndTheCheckpointRule() throws Exception {
        Database database = TestDatabase.fresh("tether_it_shards");
        try (CustomerStreamHandler handler =
                new CustomerStreamHandler(database.config().withPoolSize(SHARDS))) {
            List<CompletableFuture<List<String>>> shards = new ArrayList<>();
            for (int shard = 0; shard < SHARDS; shard++) {
                int s = shard;
                shards.add(CompletableFuture.supplyAsync(() -> replay(handler, s), threads));
            }
            List<String> checkpoints = new ArrayList<>();
            for (CompletableFuture<List<String>> shard : shards) {
                checkpoints.addAll(shard.get(120, TimeUnit.SECONDS));
            }

            // From its sixth batch on, shard 3's first record (a credit limit with three decimals) is that batch's
            // checkpoint; no other shard has one.
            List<String> expected = new ArrayList<>();
            for (int batch = 5; batch < BATCHES; batch++) {
                expected.add(4 + sequence(batch, 0));
            }
            assertThat(checkpoints).containsExactlyInAnyOrderElementsOf(expected);
        }
        // Every key ends at its shard's last change, whatever the other shards did at the same time; shard 3 stops
        // at its checkpoint and applies nothing after it.
        List<String> expected = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            for (int key = 0; key < 3; key++) {
                int lastBatch = shard == 3 ? 4 : BATCHES - 1;
                expected.add(
                        "cus-" + shard + "-" + key + "|" + lastBatch + ".00|" + (shard + 1) + sequence(lastBatch, key));
            }
        }
        assertThat(Sql.rows(
                        database,
                        "SELECT customer_id, credit_limit, stream_sequence FROM customers ORDER BY customer_id"))
                .containsExactlyElementsOf(expected);
    }

    /**
     * One shard's batches, in order: each batch changes the shard's three keys; the next batch starts at the
     * checkpoint, as Lambda resumes. Returns the checkpoints it was given.
     */
    private static List<String> replay(CustomerStreamHandler handler, int shard) {
        List<String> checkpoints = new ArrayList<>();
        for (int batch = 0; batch < BATCHES; batch++) {
            List<Rec> records = new ArrayList<>();
            for (int key = 0; key < 3; key++) {
                String id = "cus-" + shard + "-" + key;
                String limit = shard == 3 && batch >= 5 && key == 0 ? "1.005" : batch + "";
                long sequence = Long.parseLong((shard + 1) + sequence(batch, key));
                records.add(
                        batch == 0
                                ? insert(sequence, id, "\"creditLimit\":{\"N\":\"" + limit + "\"}")
                                : modify(sequence, id, "\"creditLimit\":{\"N\":\"" + limit + "\"}"));
            }
            StreamsEventResponse response =
                    handler.handleRequest(StreamEvents.event(records), new InvocationContext("tether-stream", 30_000));
            response.getBatchItemFailures().stream()
                    .map(BatchItemFailure::getItemIdentifier)
                    .forEach(checkpoints::add);
        }
        return checkpoints;
    }

    /** The sequence number of a key's change in a batch, after the shard's digit (shard + 1): increasing in a shard. */
    private static String sequence(int batch, int key) {
        return String.format("%04d%02d", batch, key);
    }
}
