package dev.tether.bench;

import dev.tether.processor.handler.InvocationContext;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tether.processor.handler.CustomerStreamHandler;
import dev.tether.processor.handler.OrderEventsHandler;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs in a fresh JVM on the deployable jar, as a Lambda container would: {@code orders} measures JVM start, handler
 * init and the first committed batch; {@code stream-memory} measures the peak heap of one 10,000-record stream batch.
 * Configuration comes from the environment (TETHER_*), as in Lambda.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        Instant mainEntered = Instant.now();
        Instant processStarted = ProcessHandle.current().info().startInstant().orElse(mainEntered);
        if (args[0].equals("orders")) {
            long initStart = System.nanoTime();
            OrderEventsHandler handler = new OrderEventsHandler();
            long initNanos = System.nanoTime() - initStart;
            SQSEvent event = LambdaEventSerializers.serializerFor(SQSEvent.class, ColdStartProbe.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(Events.sqsJson(Events.payments(10, "cold")).getBytes(StandardCharsets.UTF_8)));
            long batchStart = System.nanoTime();
            var response = handler.handleRequest(event, new InvocationContext("tether-bench", 60_000));
            long batchNanos = System.nanoTime() - batchStart;
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("the first batch failed");
            }
            System.out.printf("PROBE jvmStartMs=%d initMs=%.1f firstBatchMs=%.1f%n",
                    Duration.between(processStarted, mainEntered).toMillis(), initNanos / 1e6, batchNanos / 1e6);
        } else {
            CustomerStreamHandler handler = new CustomerStreamHandler();
            DynamodbEvent event = LambdaEventSerializers.serializerFor(DynamodbEvent.class,
                            ColdStartProbe.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(Events.streamJson(10_000, 1).getBytes(StandardCharsets.UTF_8)));
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
            System.out.printf("PROBE peakHeapMb=%.1f maxHeapMb=%d%n", peak / 1048576.0,
                    Runtime.getRuntime().maxMemory() / 1048576);
        }
        System.exit(0);
    }
}
