package dev.tether.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of the test server that reads the MySQL protocol the client sends and can break it the way a
 * network does: lose the reply to a COMMIT the server has executed (the outcome the client cannot know), cut the
 * connection just before a COMMIT reaches the server, or stall every connection. It also counts the connections
 * made through it. Only for plain-text sessions ({@code useSSL=false}, no compression), as the tests use.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to the next COMMIT of a transaction that wrote the armed table. */
    public enum CommitFault {
        /** The COMMIT reaches the server and commits; its reply is dropped and the connection cut. */
        LOSE_REPLY,
        /** The connection is cut before the COMMIT reaches the server: the transaction rolls back. */
        CUT_BEFORE
    }

    private static final int COM_QUERY = 0x03;

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicReference<Arm> armed = new AtomicReference<>();
    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean stalled;
    private volatile boolean closed;

    private record Arm(CommitFault fault, String table, CountDownLatch fired) {}

    /** A proxy on a free loopback port in front of {@code host:port}. */
    public FaultProxy(String host, int port) throws IOException {
        this.targetHost = host;
        this.targetPort = port;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of the server a JDBC URL names. */
    public static FaultProxy inFrontOf(String jdbcUrl) throws IOException {
        String rest = jdbcUrl.substring("jdbc:mysql://".length());
        String hostPort = rest.substring(0, rest.indexOf('/'));
        int colon = hostPort.lastIndexOf(':');
        return new FaultProxy(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** {@code jdbcUrl} pointed at this proxy instead of the server. */
    public String route(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:mysql://".length());
        return "jdbc:mysql://127.0.0.1:" + listener.getLocalPort() + rest.substring(rest.indexOf('/'));
    }

    /** How many connections clients opened through the proxy. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Arms a fault for the next COMMIT of a transaction whose statements named {@code table}; returns a latch that
     * opens when it fired.
     */
    public CountDownLatch onNextCommitOf(String table, CommitFault fault) {
        Arm arm = new Arm(fault, table.toLowerCase(Locale.ROOT), new CountDownLatch(1));
        armed.set(arm);
        return arm.fired();
    }

    /** Stops relaying in both directions on every connection (a hung server or network), or resumes. */
    public void stall(boolean stall) {
        this.stalled = stall;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
                // Relay each write at once: Nagle's algorithm against the client's delayed ACKs costs ~40 ms a round
                // trip.
                client.setTcpNoDelay(true);
                accepted.incrementAndGet();
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(server);
                }
                Session session = new Session(client, server);
                start("fault-proxy-up", session::clientToServer);
                start("fault-proxy-down", session::serverToClient);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private static void start(String name, Runnable pump) {
        Thread thread = new Thread(pump, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** One proxied connection: packets up are parsed (to see COMMITs), bytes down are relayed as they come. */
    private final class Session {
        private final Socket client;
        private final Socket server;
        private boolean wroteArmedTable;
        private volatile Arm replyToLose;

        Session(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void clientToServer() {
            try (InputStream in = client.getInputStream();
                    OutputStream out = server.getOutputStream()) {
                byte[] header = new byte[4];
                while (readFully(in, header)) {
                    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                    byte[] payload = new byte[length];
                    if (!readFully(in, payload)) {
                        break;
                    }
                    awaitUnstalled();
                    Arm arm = armed.get();
                    if (arm != null && length > 0 && (payload[0] & 0xff) == COM_QUERY) {
                        String sql = new String(payload, 1, length - 1, StandardCharsets.UTF_8)
                                .trim()
                                .toLowerCase(Locale.ROOT);
                        if (sql.contains(arm.table())) {
                            wroteArmedTable = true;
                        } else if ((sql.equals("commit") || sql.equals("rollback")) && wroteArmedTable) {
                            wroteArmedTable = false;
                            if (sql.equals("commit") && armed.compareAndSet(arm, null)) {
                                if (arm.fault() == CommitFault.CUT_BEFORE) {
                                    arm.fired().countDown();
                                    cut();
                                    return;
                                }
                                replyToLose = arm;
                            }
                        }
                    }
                    out.write(header);
                    out.write(payload);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                cut();
            }
        }

        void serverToClient() {
            try (InputStream in = server.getInputStream();
                    OutputStream out = client.getOutputStream()) {
                byte[] buffer = new byte[64 * 1024];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    Arm arm = replyToLose;
                    if (arm != null) {
                        // The server answered the COMMIT: it committed. The client never hears of it.
                        arm.fired().countDown();
                        cut();
                        return;
                    }
                    awaitUnstalled();
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                cut();
            }
        }

        private void cut() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void awaitUnstalled() {
        while (stalled && !closed) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean readFully(InputStream in, byte[] into) throws IOException {
        int done = 0;
        while (done < into.length) {
            int read = in.read(into, done, into.length - done);
            if (read < 0) {
                return false;
            }
            done += read;
        }
        return true;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        synchronized (sockets) {
            sockets.forEach(FaultProxy::closeQuietly);
        }
    }
}
