package telusur;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Embedded Neo4j Community server for Telusur's test suite.
 *
 * <p>Usage: {@code TestServer <data-dir> <port> [pagecache-size] [tx-memory-max]}
 *
 * <p>Sizes accept Neo4j byte notation ({@code 256m}, {@code 1g}). When not given as arguments
 * they are read from {@code TELUSUR_NEO4J_PAGECACHE} / {@code TELUSUR_NEO4J_TX_MEMORY}, with
 * defaults of 256m and 512m. Bolt listens on 127.0.0.1 only, without TLS or authentication;
 * HTTP(S) is off. Once Bolt is up a single line {@code READY bolt://127.0.0.1:PORT} is printed.
 * SIGTERM / SIGINT shut the DBMS down cleanly and exit with status 0.
 */
public final class TestServer {

    private static final String HOST = "127.0.0.1";

    private TestServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: TestServer <data-dir> <port> [pagecache-size] [tx-memory-max]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = parsePort(args[1]);
        long pagecache = ByteUnit.parse(pick(args, 2, "TELUSUR_NEO4J_PAGECACHE", "256m"));
        long txMemory = ByteUnit.parse(pick(args, 3, "TELUSUR_NEO4J_TX_MEMORY", "512m"));

        Files.createDirectories(home);
        SocketAddress bolt = new SocketAddress(HOST, port);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemory)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                // Bolt otherwise waits 5 s for connections and 5 s for its thread pool on shutdown;
                // a throw-away test server has nothing worth waiting for.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                dbms.shutdown();
            } catch (Throwable t) {
                System.err.println("shutdown failed: " + t);
            } finally {
                stopped.countDown();
            }
        }, "telusur-neo4j-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        installExitOnSignal("TERM");
        installExitOnSignal("INT");

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(3))) {
            System.err.println("database '" + db.databaseName() + "' did not become available");
            System.exit(1);
        }
        System.out.println("READY bolt://" + HOST + ":" + port);
        System.out.flush();

        // Park the main thread until the shutdown hook has finished.
        stopped.await();
    }

    /** Turn SIGTERM/SIGINT into a normal exit (status 0); the shutdown hook does the clean-up. */
    @SuppressWarnings("restriction")
    private static void installExitOnSignal(String name) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                Thread t = new Thread(() -> System.exit(0), "telusur-neo4j-exit");
                t.setDaemon(true);
                t.start();
            });
        } catch (Throwable t) {
            // Not available: the JVM's default handler still runs the shutdown hook (exit 143).
        }
    }

    private static String pick(String[] args, int index, String env, String fallback) {
        if (args.length > index && !args[index].isBlank()) {
            return args[index];
        }
        String fromEnv = System.getenv(env);
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback;
    }

    private static int parsePort(String raw) {
        int port = Integer.parseInt(raw);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + raw);
        }
        return port;
    }
}
