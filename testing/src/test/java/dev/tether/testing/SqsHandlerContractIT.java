package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.tether.lambda.SqsBatchHandler;
import dev.tether.lambda.SqsRoute;
import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.json.JsonChecks;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Field;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The contract tests can fail: run by JUnit's own engine against a handler that keeps every promise (all pass) and
 * against handlers that each break some (exactly those fail), on the real server.
 */
class SqsHandlerContractIT {

    /** What a handler's events say: add {@code by} to counter {@code name}. */
    public record Counted(String name, long by) {}

    private static final Field<String> NAME = field(name("name"), String.class);
    private static final Field<Long> TOTAL = field(name("total"), Long.class);

    private static SqsBatchHandler.Builder counting(TetherConfig config) {
        return SqsBatchHandler.builder()
                .config(config)
                .name("counters")
                .route(SqsRoute.of("Counted", Counted.class)
                        .validate(e -> JsonChecks.id(e.name(), "data.name", 64))
                        .writer((tx, events) -> {
                            for (Counted e : events) {
                                tx.insertInto(table(name("counters")), NAME, TOTAL)
                                        .values(e.name(), e.by())
                                        .onDuplicateKeyUpdate()
                                        .set(TOTAL, TOTAL.plus(e.by()))
                                        .execute();
                            }
                        }));
    }

    /** Keeps every promise. */
    public static final class Counter extends SqsBatchHandler {
        public Counter(TetherConfig config) {
            super(counting(config));
        }
    }

    /** Idempotency switched off: duplicates apply again and a reused event id goes through. */
    public static final class CounterWithoutIdempotency extends SqsBatchHandler {
        public CounterWithoutIdempotency(TetherConfig config) {
            super(counting(
                    config.withIdempotency(IdempotencySettings.defaults().withMode(IdempotencySettings.Mode.NONE))));
        }
    }

    static final String SAMPLE = "{\"eventId\":\"3e0a6b1c-0000-4000-8000-000000000001\",\"type\":\"Counted\","
            + "\"occurredAt\":\"2026-12-02T10:00:00Z\",\"data\":{\"name\":\"visits\",\"by\":3}}";

    public static final class KeptContract extends SqsHandlerContract {
        @Override
        protected Class<?> handlerClass() {
            return Counter.class;
        }

        @Override
        protected List<String> samples() {
            return List.of(SAMPLE);
        }
    }

    public static final class BrokenContract extends SqsHandlerContract {
        @Override
        protected Class<?> handlerClass() {
            return CounterWithoutIdempotency.class;
        }

        @Override
        protected List<String> samples() {
            return List.of(SAMPLE);
        }
    }

    @Test
    void aHandlerThatKeepsThePromisesPassesEveryCheck() {
        Map<String, String> outcomes = outcomes(KeptContract.class);

        assertThat(outcomes)
                .containsEntry("aDuplicateInABatchAndInALaterBatchAppliesOnce", "SUCCESSFUL")
                .containsEntry("anEventIdReusedWithAnotherPayloadIsReportedAndNotApplied", "SUCCESSFUL")
                .containsEntry("everyMalformedBodyIsReportedAloneAndTheValidMessagesBesideItCommit", "SUCCESSFUL")
                .containsEntry("anUnknownTypeIsReportedAndTheRestCommit", "SUCCESSFUL")
                .containsEntry("aConnectionKilledBetweenInvocationsLosesNothing", "SUCCESSFUL")
                .containsEntry("onAFifoQueueAFailedMessageHoldsBackTheRestOfItsGroupOnly", "SUCCESSFUL")
                .containsEntry("theShadedJarServesInItsOwnJvmConfiguredByTetherVariablesAlone", "ABORTED");
    }

    @Test
    void aHandlerWithoutIdempotencyFailsTheDuplicateAndReusedKeyChecksAndOnlyThose() {
        Map<String, String> outcomes = outcomes(BrokenContract.class);

        assertThat(outcomes)
                .containsEntry("aDuplicateInABatchAndInALaterBatchAppliesOnce", "FAILED")
                .containsEntry("anEventIdReusedWithAnotherPayloadIsReportedAndNotApplied", "FAILED")
                .containsEntry("everyMalformedBodyIsReportedAloneAndTheValidMessagesBesideItCommit", "SUCCESSFUL")
                .containsEntry("anUnknownTypeIsReportedAndTheRestCommit", "SUCCESSFUL")
                .containsEntry("onAFifoQueueAFailedMessageHoldsBackTheRestOfItsGroupOnly", "SUCCESSFUL");
    }

    /** Each test method of {@code contract} and how it ended, run by the JUnit Jupiter engine. */
    private static Map<String, String> outcomes(Class<?> contract) {
        Events events = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(contract))
                .execute()
                .testEvents();
        Map<String, String> outcomes = new TreeMap<>();
        events.finished().stream()
                .forEach(e -> outcomes.put(
                        e.getTestDescriptor().getDisplayName().replace("()", ""),
                        e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .orElseThrow()
                                .getStatus()
                                .name()));
        events.aborted().stream()
                .forEach(
                        e -> outcomes.put(e.getTestDescriptor().getDisplayName().replace("()", ""), "ABORTED"));
        return outcomes;
    }
}
