package dev.tether.processor.handler;

import dev.tether.lambda.link.Migrations;
import dev.tether.processor.testing.OrderEvents;
import dev.tether.schema.TetherSchema;
import dev.tether.testing.SqsHandlerContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Every promise of {@link SqsHandlerContract}, kept by the orders application's SQS handler and its jar. */
class OrderEventsContractIT extends SqsHandlerContract {

    @Override
    protected Class<?> handlerClass() {
        return OrderEventsHandler.class;
    }

    @Override
    protected Migrations migrations() {
        return TetherSchema.migrations();
    }

    @Override
    protected List<String> samples() {
        return List.of(
                OrderEvents.orderUpserted(
                        UUID.fromString("0b6f7c1e-0000-4000-8000-000000000001"),
                        "o-1",
                        "c-1",
                        "PLACED",
                        1,
                        "sku-1",
                        "sku-2"),
                OrderEvents.paymentCaptured(
                        UUID.fromString("0b6f7c1e-0000-4000-8000-000000000002"), "c-1", 250, "EUR"));
    }

    @Override
    protected Optional<Path> shadedJar() {
        return Optional.of(Path.of("target", "processor.jar"));
    }
}
