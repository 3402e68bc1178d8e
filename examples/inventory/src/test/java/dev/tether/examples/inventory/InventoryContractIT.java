package dev.tether.examples.inventory;

import dev.tether.testing.SqsHandlerContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every promise of {@link SqsHandlerContract}, kept by the inventory example without a line of its own for it. */
class InventoryContractIT extends SqsHandlerContract {

    @Override
    protected Class<?> handlerClass() {
        return InventoryHandler.class;
    }

    @Override
    protected List<String> samples() {
        return List.of("{\"eventId\":\"5d1c9f0e-8a3b-4c2d-9e1f-0a1b2c3d4e01\",\"type\":\"InventoryAdjusted\","
                + "\"occurredAt\":\"2026-12-01T10:15:30.123456Z\","
                + "\"data\":{\"sku\":\"sku-1\",\"warehouse\":\"ams\",\"delta\":5}}");
    }

    @Override
    protected Optional<Path> shadedJar() {
        return Optional.of(Path.of("target", "inventory.jar"));
    }
}
