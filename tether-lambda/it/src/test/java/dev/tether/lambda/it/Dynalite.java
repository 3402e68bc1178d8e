package dev.tether.lambda.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;

/**
 * A real DynamoDB-API server for tests: dynalite (npm, pinned in the root package.json, installed by
 * {@code npm ci}), started on a free loopback port and stopped with the JVM.
 */
public final class Dynalite {

    private static Dynalite shared;

    private final Process process;
    private final int port;

    private Dynalite(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The server of this JVM; the test is skipped, with the reason, when dynalite is not installed. */
    public static synchronized Dynalite shared() {
        if (shared == null) {
            Path script = projectRoot().resolve("node_modules/dynalite/cli.js");
            Assumptions.assumeTrue(
                    Files.exists(script),
                    "dynalite is not installed: run 'npm ci' in the project root (the README's test command does)");
            shared = start(script);
        }
        return shared;
    }

    /** The endpoint URL, for an SDK endpoint override. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    private static Dynalite start(Path script) {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Process process = new ProcessBuilder(
                            "node",
                            script.toString(),
                            "--host",
                            "127.0.0.1",
                            "--port",
                            String.valueOf(port),
                            "--createTableMs",
                            "0",
                            "--deleteTableMs",
                            "0",
                            "--updateTableMs",
                            "0")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return new Dynalite(process, port);
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            process.destroy();
            throw new IllegalStateException("dynalite did not open port " + port + " within 30 s");
        } catch (IOException e) {
            throw new IllegalStateException("could not start dynalite (is node on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("package.json"))) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of("").toAbsolutePath() : dir;
    }
}
