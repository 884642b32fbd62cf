package dev.courier.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.store.jdbc.JdbcTransaction;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * End-to-end: one business transaction that inserts an order row and its outbox message, through {@link
 * JdbcOutbox#add} with a {@link JdbcTransaction}, against plain JDBC inserting the same two rows (same columns, same
 * values, a prepared statement each) in the same run, on H2 in memory and on PostgreSQL. Single (one order, one
 * message per transaction) and batched (ten of each per transaction). Many short rounds alternate between the two so
 * that machine noise hits both alike; the figure is the median of the rounds. Every round starts from empty tables,
 * emptied before its clock starts: an in-memory H2 keeps every row on the heap, and with the tables left to grow the
 * live heap passed 1 GiB of the 2 GiB within a minute, and collections that copied the tables' rows (pauses up to
 * 333 ms) and marking cycles of 1.6-3.1 s, not the inserts, decided which rounds were slow. Target: Courier at least
 * 0.85x the plain JDBC throughput. Prints {@code BENCH} lines (format in benchmarks/README.md).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.OutboxAddBenchmark</pre>
 *
 * System properties: {@code rounds} (default 21), {@code warmupRounds} (8), {@code roundMillis} (400), {@code databases} (h2,postgresql).
 * PostgreSQL is taken from COURIER_POSTGRES_URL (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres) and
 * skipped, with a note, when it does not answer.
 */
public final class OutboxAddBenchmark {
    private static final int ROUNDS = Integer.getInteger("rounds", 21);
    private static final int WARMUP_ROUNDS = Integer.getInteger("warmupRounds", 8);
    private static final long ROUND_NANOS = Long.getLong("roundMillis", 400) * 1_000_000L;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static final String BAG_JSON = "{\"tenant\":\"acme\"}";

    private final HikariDataSource dataSource;
    private final String orders;
    private final String courierTable;
    private final String plainTable;
    private final JdbcOutbox outbox;
    /** Every table this run created: emptied before each round, dropped at the end. */
    private final List<String> tables;

    private OutboxAddBenchmark(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(2);
        this.dataSource = new HikariDataSource(config);
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        this.orders = "bench_orders_" + suffix;
        this.courierTable = "bench_outbox_" + suffix;
        this.plainTable = "bench_plain_" + suffix;
        this.tables = List.of(orders, courierTable, plainTable);
        execute("CREATE TABLE " + orders + " (id VARCHAR(36) PRIMARY KEY, customer VARCHAR(100), amount BIGINT)");
        this.outbox = JdbcOutbox.builder(dataSource).table(courierTable).createTables(true).build();
        // The baseline writes into a table of the very same shape.
        JdbcOutbox.builder(dataSource).table(plainTable).createTables(true).build();
    }

    public static void main(String[] args) throws Exception {
        List<String> databases = List.of(System.getProperty("databases", "h2,postgresql").split(","));
        if (databases.contains("h2")) {
            run("h2", "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
        }
        if (!databases.contains("postgresql")) {
            return;
        }
        String postgres = System.getenv().getOrDefault("COURIER_POSTGRES_URL",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        URI address = URI.create(postgres.substring(5));
        if (answers(address.getHost(), address.getPort() < 0 ? 5432 : address.getPort())) {
            run("postgresql", postgres);
        } else {
            System.out.println("PostgreSQL at " + address.getHost() + " does not answer: skipping its figures");
        }
    }

    private static void run(String name, String url) throws Exception {
        OutboxAddBenchmark benchmark = new OutboxAddBenchmark(url);
        try {
            for (int batch : new int[] {1, 10}) {
                benchmark.measure(name, batch);
            }
        } finally {
            benchmark.close();
        }
    }

    private void measure(String database, int batch) throws SQLException {
        // Warm-up: the JIT, the pool, and the drivers' prepared-statement caches.
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            round(batch, true);
            round(batch, false);
        }
        Round[] courier = new Round[ROUNDS];
        Round[] plain = new Round[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            // Alternate which goes first, so that neither always follows the other's garbage or table growth.
            if (r % 2 == 0) {
                courier[r] = round(batch, true);
                plain[r] = round(batch, false);
            } else {
                plain[r] = round(batch, false);
                courier[r] = round(batch, true);
            }
        }
        String name = "outbox.add." + database + (batch == 1 ? ".single" : ".batch" + batch);
        print(name, "msgs/s", courier, plain, Round::wallRate);
        print(name + ".cpu", "msgs/cpu-s", courier, plain, Round::cpuRate);
    }

    private static void print(String name, String unit, Round[] courier, Round[] plain,
            java.util.function.ToDoubleFunction<Round> rate) {
        double[] figures = Arrays.stream(courier).mapToDouble(rate).toArray();
        double[] baselines = Arrays.stream(plain).mapToDouble(rate).toArray();
        System.out.printf("BENCH name=%s figure=%.0f unit=\"%s\" baseline=%.0f target=ratio>=0.85%n",
                name, median(figures), unit, median(baselines));
        System.out.printf("# %s: courier %s, plain %s (%s per round)%n", name, rounded(figures), rounded(baselines),
                unit);
    }

    /**
     * One round's messages per second of wall-clock time, and per second of the measuring thread's CPU time. The
     * second is steadier on a shared machine and, for H2 in memory (all work on this thread), measures exactly the
     * CPU cost per message; for PostgreSQL it leaves out the server's work.
     */
    private record Round(double wallRate, double cpuRate) {}

    /** Runs transactions for one round, from empty tables. */
    private Round round(int batch, boolean courier) throws SQLException {
        for (String table : tables) {
            execute("TRUNCATE TABLE " + table);
        }
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long deadline = start + ROUND_NANOS;
        long messages = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            while (System.nanoTime() < deadline) {
                List<Message> batchMessages = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    batchMessages.add(message());
                }
                insertOrders(connection, batchMessages);
                if (courier) {
                    outbox.add(batchMessages, JdbcTransaction.of(connection));
                } else {
                    insertPlain(connection, batchMessages);
                }
                connection.commit();
                messages += batch;
            }
            connection.setAutoCommit(true);
        }
        long cpu = Math.max(1, THREADS.getCurrentThreadCpuTime() - cpuStart);
        return new Round(messages * 1e9 / (System.nanoTime() - start), messages * 1e9 / cpu);
    }

    private void insertOrders(Connection connection, List<Message> messages) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + orders + " (id, customer, amount) VALUES (?, ?, ?)")) {
            for (Message message : messages) {
                insert.setString(1, message.id().toString());
                insert.setString(2, "customer-42");
                insert.setLong(3, 1999);
                if (messages.size() == 1) {
                    insert.executeUpdate();
                } else {
                    insert.addBatch();
                }
            }
            if (messages.size() > 1) {
                insert.executeBatch();
            }
        }
    }

    /** What a hand-written outbox does: the same columns, the bag JSON precomputed. */
    private void insertPlain(Connection connection, List<Message> messages) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + plainTable
                + " (message_id, topic, message_type, message_timestamp, correlation_id, reply_to, partition_key,"
                + " handled_count, message_delay, bag, content_type, body, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long now = System.currentTimeMillis() * 1000;
            for (Message message : messages) {
                MessageHeader header = message.header();
                insert.setObject(1, header.messageId());
                insert.setString(2, header.topic());
                insert.setString(3, header.messageType().name());
                insert.setString(4, header.timestamp().toString());
                insert.setObject(5, header.correlationId());
                insert.setString(6, header.replyTo());
                insert.setString(7, header.partitionKey());
                insert.setInt(8, header.handledCount());
                insert.setString(9, header.delay().toString());
                insert.setString(10, BAG_JSON);
                insert.setString(11, message.body().contentType());
                insert.setBytes(12, message.body().unsafeBytes());
                insert.setLong(13, now);
                if (messages.size() == 1) {
                    insert.executeUpdate();
                } else {
                    insert.addBatch();
                }
            }
            if (messages.size() > 1) {
                insert.executeBatch();
            }
        }
    }

    private static Message message() {
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), "order.placed", MessageType.EVENT)
                .correlationId(UUID.randomUUID()).bag(Map.of("tenant", "acme")).build();
        return new Message(header, MessageBody.json("{\"order\":\"" + header.messageId()
                + "\",\"customer\":\"customer-42\",\"amount\":1999}"));
    }

    private static String rounded(double[] values) {
        return Arrays.toString(Arrays.stream(values).mapToLong(Math::round).toArray());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private void execute(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    private void close() {
        for (String table : tables) {
            execute("DROP TABLE IF EXISTS " + table);
        }
        dataSource.close();
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
