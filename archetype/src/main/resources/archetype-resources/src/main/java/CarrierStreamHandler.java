package ${package};

import static ${package}.db.Tables.CARRIERS;

import dev.tether.lambda.StreamReplicationHandler;
import dev.tether.lambda.StreamRoute;
import dev.tether.lambda.config.TetherConfig;

/**
 * Replicates the DynamoDB table Carriers into the carriers table from its stream: every INSERT, MODIFY and REMOVE,
 * guarded by the stream's sequence numbers so that replays and reordering never move a row backwards.
 */
public final class CarrierStreamHandler extends StreamReplicationHandler {

    /** The constructor Lambda calls: configured by the {@code TETHER_*} environment variables. */
    public CarrierStreamHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler on {@code config}: tests and local runs. */
    public CarrierStreamHandler(TetherConfig config) {
        super(builder().config(config).name("carriers").route(StreamRoute.to(CARRIERS)));
    }
}
