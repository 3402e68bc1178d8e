package dev.tether.bench;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tether.lambda.InvocationContext;
import dev.tether.processor.handler.CustomerStreamHandler;
import dev.tether.processor.handler.OrderEventsHandler;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs in a fresh JVM on the deployable jar, as a Lambda container would: {@code orders} measures JVM start, handler
 * init and the first committed batch (then the median of the batches that follow, for what the options cost a warm
 * container); {@code stream-memory} measures the peak heap of one 10,000-record stream batch.
 * Configuration comes from the environment (TETHER_*), as in Lambda.
 */
public final class ColdStartProbe {

    /** Batches of 100 run after the first, to measure the steady state that the cold-start options lead to. */
    private static final int STEADY_BATCHES = 400;

    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        Instant mainEntered = Instant.now();
        Instant processStarted = ProcessHandle.current().info().startInstant().orElse(mainEntered);
        if (args[0].equals("orders")) {
            long initStart = System.nanoTime();
            OrderEventsHandler handler = new OrderEventsHandler();
            long initNanos = System.nanoTime() - initStart;
            SQSEvent event = LambdaEventSerializers.serializerFor(SQSEvent.class, ColdStartProbe.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(
                            Events.sqsJson(Events.payments(10, "cold")).getBytes(StandardCharsets.UTF_8)));
            long batchStart = System.nanoTime();
            var response = handler.handleRequest(event, new InvocationContext("tether-bench", 60_000));
            long batchNanos = System.nanoTime() - batchStart;
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("the first batch failed");
            }
            // What the JVM options cost later: the median of the next batches of 100, as a warm container runs them.
            List<Double> steady = new ArrayList<>();
            for (int i = 0; i < STEADY_BATCHES; i++) {
                SQSEvent next = LambdaEventSerializers.serializerFor(
                                SQSEvent.class, ColdStartProbe.class.getClassLoader())
                        .fromJson(new ByteArrayInputStream(Events.sqsJson(Events.payments(100, "steady" + i))
                                .getBytes(StandardCharsets.UTF_8)));
                long started = System.nanoTime();
                handler.handleRequest(next, new InvocationContext("tether-bench", 60_000));
                steady.add((System.nanoTime() - started) / 1e6);
            }
            Collections.sort(steady);
            System.out.printf(
                    "PROBE jvmStartMs=%d initMs=%.1f firstBatchMs=%.1f steadyMs=%.3f%n",
                    Duration.between(processStarted, mainEntered).toMillis(),
                    initNanos / 1e6,
                    batchNanos / 1e6,
                    steady.get(steady.size() / 2));
        } else {
            CustomerStreamHandler handler = new CustomerStreamHandler();
            DynamodbEvent event = LambdaEventSerializers.serializerFor(
                            DynamodbEvent.class, ColdStartProbe.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(
                            Events.streamJson(10_000, 1).getBytes(StandardCharsets.UTF_8)));
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            var response = handler.handleRequest(event, new InvocationContext("tether-bench", 60_000));
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("the stream batch failed");
            }
            System.out.printf(
                    "PROBE peakHeapMb=%.1f maxHeapMb=%d%n",
                    peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576);
        }
        System.exit(0);
    }
}
