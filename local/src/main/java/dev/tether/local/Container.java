package dev.tether.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.processor.handler.OrderEventsHandler;
import java.util.Map;

/**
 * One emulated Lambda container: the handler it runs, one invocation at a time, and what its database connections
 * went through, for the pipeline's summary.
 */
public interface Container extends RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {

    /** Physical connections this container opened. */
    long connectionsOpened();

    /** Failed connection attempts by the server's error code. */
    Map<String, Long> connectErrors();

    @Override
    void close();

    /** Tether's order handler as a container. */
    static Container tether(TetherConfig config) {
        OrderEventsHandler handler = new OrderEventsHandler(config);
        return new Container() {
            @Override
            public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                return handler.handleRequest(event, context);
            }

            @Override
            public long connectionsOpened() {
                return handler.link().connectionsOpened();
            }

            @Override
            public Map<String, Long> connectErrors() {
                return handler.link().connectErrors();
            }

            @Override
            public void close() {
                handler.close();
            }
        };
    }
}
