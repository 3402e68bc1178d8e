package dev.tether.processor.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A validated order event, as carried in an SQS message body. */
public sealed interface OrderEvent permits OrderEvent.OrderUpserted, OrderEvent.PaymentCaptured {

    /** The producer's id of this event, the default idempotency key; null only when a messageId fallback is set. */
    UUID eventId();

    /** When the event happened, at microsecond precision (what DATETIME(6) stores). */
    Instant occurredAt();

    /** An order was created or changed; {@code version} orders the changes of one order. */
    record OrderUpserted(
            UUID eventId,
            Instant occurredAt,
            String orderId,
            String customerId,
            OrderStatus status,
            String currency,
            long totalCents,
            long version,
            List<OrderLine> lines)
            implements OrderEvent {
        public OrderUpserted {
            lines = List.copyOf(lines);
        }
    }

    /** A payment was captured: the customer's balance in that currency grows by {@code amountCents}. */
    record PaymentCaptured(
            UUID eventId, Instant occurredAt, String paymentId, String customerId, long amountCents, String currency)
            implements OrderEvent {}

    /** One line of an order. */
    record OrderLine(String sku, int quantity, long unitPriceCents) {}

    /** The states an order can be in. */
    enum OrderStatus {
        PLACED,
        PAID,
        SHIPPED,
        CANCELLED
    }
}
