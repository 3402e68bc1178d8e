package dev.tether.processor.batch;

import dev.tether.processor.order.OrderEvent;

/** A validated event with the id of the SQS message that carried it. */
public record OrderMessage(String messageId, OrderEvent event) {}
