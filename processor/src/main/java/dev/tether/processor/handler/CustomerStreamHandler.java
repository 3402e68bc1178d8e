package dev.tether.processor.handler;

import static dev.tether.db.Tables.CUSTOMERS;
import static dev.tether.db.Tables.CUSTOMER_ADDRESSES;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tether.db.DefaultSchema;
import dev.tether.lambda.StreamReplicationHandler;
import dev.tether.lambda.StreamRoute;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.schema.TetherSchema;

/**
 * Lambda entry point for the DynamoDB streams of the {@code Customers} and {@code CustomerAddresses} tables:
 * replicates every change into {@code customers} and {@code customer_addresses}, guarded by sequence numbers so
 * that replays and reordering never corrupt a row, and reports the checkpoint to resume from. Records are routed by
 * the table in their {@code eventSourceARN}; both mappings follow the naming convention, so neither needs
 * configuration. Configure each event source mapping with {@code FunctionResponseTypes: [ReportBatchItemFailures]}.
 */
public final class CustomerStreamHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse>, AutoCloseable {

    private final StreamReplicationHandler handler;

    /** The constructor Lambda calls: reads {@code TETHER_*} from the environment once. */
    public CustomerStreamHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler on its own link to the database {@code config} names. */
    public CustomerStreamHandler(TetherConfig config) {
        this.handler = StreamReplicationHandler.builder()
                .config(config)
                .name("stream")
                .migrations(TetherSchema.migrations())
                .schema(DefaultSchema.DEFAULT_SCHEMA)
                .route(StreamRoute.to(CUSTOMERS))
                .route(StreamRoute.to(CUSTOMER_ADDRESSES))
                .build();
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return handler.handleRequest(event, context);
    }

    /** The container's database link. */
    public DatabaseLink link() {
        return handler.link();
    }

    @Override
    public void close() {
        handler.close();
    }
}
