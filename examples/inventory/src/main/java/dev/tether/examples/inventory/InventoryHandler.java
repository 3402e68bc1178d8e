package dev.tether.examples.inventory;

import static dev.tether.examples.inventory.db.Tables.INVENTORY;
import static org.jooq.impl.DSL.excluded;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.lambda.SqsBatchHandler;
import dev.tether.lambda.SqsRoute;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.json.JsonChecks;
import dev.tether.lambda.write.RowStatement;

/** Lands InventoryAdjusted events in the inventory table: quantity += delta, exactly once per eventId. */
public final class InventoryHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** The event's data: which stock moved, and by how much. */
    public record InventoryAdjusted(String sku, String warehouse, long delta) {}

    /** One multi-row upsert for the whole batch: a new row starts at the delta, an existing one adds it. */
    static final RowStatement<InventoryAdjusted> ADJUST = RowStatement.insertInto(INVENTORY, InventoryAdjusted.class)
            .value(INVENTORY.SKU, InventoryAdjusted::sku)
            .value(INVENTORY.WAREHOUSE, InventoryAdjusted::warehouse)
            .value(INVENTORY.QUANTITY, InventoryAdjusted::delta)
            .onDuplicateKeyUpdate(INVENTORY.QUANTITY, INVENTORY.QUANTITY.plus(excluded(INVENTORY.QUANTITY)));

    private final SqsBatchHandler handler;

    /** The constructor Lambda calls: configured by the {@code TETHER_*} environment variables. */
    public InventoryHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler configured by {@code config}, for tests and local runs. */
    public InventoryHandler(TetherConfig config) {
        this.handler = SqsBatchHandler.builder()
                .config(config)
                .name("inventory")
                .route(SqsRoute.of("InventoryAdjusted", InventoryAdjusted.class)
                        .validate(event -> {
                            JsonChecks.id(event.sku(), "data.sku", 64);
                            JsonChecks.id(event.warehouse(), "data.warehouse", 64);
                            JsonChecks.nonZero(event.delta(), "data.delta");
                        })
                        .writer(ADJUST::write))
                .build();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
