package dev.tether.processor.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.lambda.SqsBatchHandler;
import dev.tether.lambda.SqsRoute;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import dev.tether.processor.order.OrderEventParser;
import dev.tether.processor.write.OrderEventWriter;
import dev.tether.schema.TetherSchema;

/**
 * Lambda entry point for SQS order events: lands {@code OrderUpserted} and {@code PaymentCaptured} events in MySQL,
 * each effect exactly once, and reports partial batch failures. Configure the event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, or Lambda ignores the reported failures.
 *
 * <p>Two routes on Tether's envelope, each reading its bodies with the tuned order parser and writing a whole batch
 * in a few multi-row statements; everything else is {@link SqsBatchHandler}'s.
 */
public final class OrderEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {

    static final String SAMPLE_ORDER = "{\"eventId\":\"00000000-0000-4000-8000-000000000000\","
            + "\"type\":\"OrderUpserted\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"orderId\":\"prime\","
            + "\"customerId\":\"prime\",\"status\":\"PLACED\",\"currency\":\"EUR\",\"totalCents\":1,\"version\":1,"
            + "\"lines\":[{\"sku\":\"prime\",\"quantity\":1,\"unitPriceCents\":1}]}}";

    static final String SAMPLE_PAYMENT = "{\"eventId\":\"00000000-0000-4000-8000-000000000001\","
            + "\"type\":\"PaymentCaptured\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"paymentId\":\"prime\","
            + "\"customerId\":\"prime\",\"amountCents\":1,\"currency\":\"EUR\"}}";

    private final SqsBatchHandler handler;

    /** The constructor Lambda calls: reads {@code TETHER_*} from the environment once. */
    public OrderEventsHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler on its own link to the database {@code config} names. */
    public OrderEventsHandler(TetherConfig config) {
        OrderEventParser parser = new OrderEventParser(!config.idempotency().fallbackToMessageId());
        OrderEventWriter writer = new OrderEventWriter();
        this.handler = SqsBatchHandler.builder()
                .config(config)
                .name("orders")
                .migrations(TetherSchema.migrations())
                .route(SqsRoute.of("OrderUpserted", OrderUpserted.class)
                        .reader(message -> (OrderUpserted) parser.parse(message.body()))
                        .writer(writer::writeOrders)
                        .sample(SAMPLE_ORDER))
                .route(SqsRoute.of("PaymentCaptured", PaymentCaptured.class)
                        .reader(message -> (PaymentCaptured) parser.parse(message.body()))
                        .writer(writer::writeBalances)
                        .sample(SAMPLE_PAYMENT))
                .build();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return handler.handleRequest(event, context);
    }

    /** The container's database link. */
    public DatabaseLink link() {
        return handler.link();
    }

    /** Closes the link; Lambda never calls it, tests and local runners do. */
    @Override
    public void close() {
        handler.close();
    }
}
