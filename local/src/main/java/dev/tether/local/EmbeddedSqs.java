package dev.tether.local;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** An embedded SQS (ElasticMQ) on 127.0.0.1: the SDK's JSON protocol, redrive to dead-letter queues, FIFO. */
public final class EmbeddedSqs implements AutoCloseable {

    private final SQSRestServer server;
    private final URI endpoint;

    private EmbeddedSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts a server on a free loopback port. */
    public static EmbeddedSqs start() {
        return start(0);
    }

    /** Starts a server on loopback port {@code port} (0: a free one). */
    public static EmbeddedSqs start(int port) {
        var builder = SQSRestServerBuilder.withInterface("127.0.0.1");
        SQSRestServer server = (port == 0 ? builder.withDynamicPort() : builder.withPort(port))
                .withAWSRegion(Sqs.LOCAL_REGION)
                .start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        return new EmbeddedSqs(server, URI.create("http://127.0.0.1:" + bound));
    }

    /** The endpoint to point an SQS client at. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
