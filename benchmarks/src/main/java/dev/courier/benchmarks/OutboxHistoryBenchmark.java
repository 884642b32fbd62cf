package dev.courier.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.courier.message.Message;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.jdbc.JdbcOutbox;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whether the JDBC outbox on PostgreSQL slows down as dispatched history piles up: with 0, 100,000 and 1,000,000
 * dispatched rows in the table at a point's first measurement (the earlier measurements' own rows, topped up by one
 * SQL statement whose rows were dispatched in the ten minutes before: within the sweeper's retention, which would
 * otherwise spend the measurement deleting them), the
 * latency of adding one message in its own transaction (what {@code post} and {@code depositPost} cost; p50 and p99
 * of 2,000) and the rate at which {@code OutboxSweeper}, with its default batch and in-flight settings, sends 10,000
 * outstanding rows to RabbitMQ with confirms; each point the median of three measurements ({@code -Drepeats=N}),
 * after warm-up measurements on a table of their own. Prints {@code CURVE} lines; {@code -Dhistory=0,100000,1000000}
 * picks the sizes. Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.OutboxHistoryBenchmark}.
 */
public final class OutboxHistoryBenchmark {
    private static final int OUTSTANDING = 10_000;
    private static final int ADDS = 2_000;
    /**
     * Measurements per point, whose medians the curve shows (an odd count: of an even one the upper middle): one
     * sweep of 10,000 rows takes about a second, and single ones read 11,378 and 16,062 msgs/s at the same point of
     * one warm run. Each measurement leaves its {@value #OUTSTANDING} rows dispatched, so a point's measurements see
     * its history plus those of the measurements before them; the next point's history is topped up to its size.
     */
    private static final int REPEATS = Integer.getInteger("repeats", 3);

    private OutboxHistoryBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(OutboxHistoryBenchmark::measure);
    }

    private static void measure() throws Exception {
        if (REPEATS < 1) {
            throw new IllegalArgumentException("-Drepeats=" + REPEATS + ": at least one measurement per point");
        }
        String table = OutboxSweepBenchmark.table("bench_history_");
        try (HikariDataSource dataSource = OutboxSweepBenchmark.postgres();
                RabbitMqBench bench = new RabbitMqBench();
                MessageProducer producer = bench.transport.producer()) {
            JdbcOutbox outbox = JdbcOutbox.builder(dataSource).table(table).createTables(true).build();
            try {
                // Warm-up on a table of its own, until the JIT settles (a single warm-up measurement left the first
                // point's sweep compiling: 8,221 msgs/s against 10,365 and 11,500 at 100,000 and 1,000,000 rows);
                // on the measured table its rows would be history before the first point.
                String warmTable = OutboxSweepBenchmark.table("bench_history_warm_");
                JdbcOutbox warm = JdbcOutbox.builder(dataSource).table(warmTable).createTables(true).build();
                try {
                    RabbitMqBench.warmUp("measurements", () -> measure(bench, producer, warm, 0));
                } finally {
                    OutboxSweepBenchmark.drop(dataSource, warmTable);
                }
                long history = 0;
                for (String size : System.getProperty("history", "0,100000,1000000").split(",")) {
                    long target = Long.parseLong(size.trim());
                    history += addHistory(dataSource, table, target - history); // tops up to the target
                    long point = history;
                    double[][] repeats = new double[REPEATS][];
                    for (int r = 0; r < REPEATS; r++) {
                        repeats[r] = measure(bench, producer, outbox, history);
                        System.out.printf(Locale.ROOT, "outbox with %d dispatched rows, measurement %d: add p50 %.3f "
                                + "ms, p99 %.3f ms; sweep %.0f msgs/s%n", history, r + 1, repeats[r][0],
                                repeats[r][1], repeats[r][2]);
                        history += OUTSTANDING; // the measurement's own rows, dispatched now, are history too
                    }
                    double[] figures = new double[3];
                    for (int f = 0; f < figures.length; f++) {
                        double[] column = new double[REPEATS];
                        for (int r = 0; r < REPEATS; r++) {
                            column[r] = repeats[r][f];
                        }
                        figures[f] = RabbitMqBench.median(column);
                    }
                    System.out.printf(Locale.ROOT, "outbox with %d to %d dispatched rows (medians): add p50 %.3f ms, "
                            + "p99 %.3f ms; sweep %.0f msgs/s%n", point, history - OUTSTANDING, figures[0], figures[1],
                            figures[2]);
                    System.out.printf(Locale.ROOT, "CURVE curve=outbox-history x=%d xlabel=\"dispatched rows in the "
                            + "outbox table\" series=postgresql add-p50-ms=%.3f add-p99-ms=%.3f sweep-msgs/s=%.0f%n",
                            point, figures[0], figures[1], figures[2]);
                }
            } finally {
                OutboxSweepBenchmark.drop(dataSource, table);
            }
        }
    }

    /** Adds {@code rows} dispatched rows with one statement, then updates the planner's statistics. */
    private static long addHistory(HikariDataSource dataSource, String table, long rows) throws Exception {
        if (rows <= 0) {
            return 0;
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO " + table + " (message_id, topic, message_type, message_timestamp, "
                    + "handled_count, message_delay, bag, content_type, body, created_at, dispatched_at) "
                    + "SELECT gen_random_uuid(), 'history', 'COMMAND', '2026-01-01T00:00:00Z', 0, 'PT0S', '{}', "
                    + "'application/octet-stream', decode(repeat('00', 256), 'hex'), t - g, t - g "
                    + "FROM generate_series(1, " + rows + ") g, "
                    // dispatched within the last minutes: kept by the sweeper's retention, which deletes older rows
                    + "(SELECT (extract(epoch FROM now()) * 1000000)::bigint - 600000000 AS t) now_micros");
            statement.execute("VACUUM ANALYZE " + table);
            statement.execute("CHECKPOINT"); // the insert's writes reach the disk now, not during the measurement
        }
        return rows;
    }

    /** p50 and p99 of one add in its own transaction (ms), and the sweep rate (msgs/s). */
    private static double[] measure(RabbitMqBench bench, MessageProducer producer, JdbcOutbox outbox, long history)
            throws Exception {
        long[] adds = new long[ADDS];
        for (int i = 0; i < ADDS; i++) {
            Message message = bench.courierMessage(System.nanoTime());
            long start = System.nanoTime();
            outbox.add(List.of(message), OutboxTransaction.NONE);
            adds[i] = System.nanoTime() - start;
        }
        for (int done = ADDS; done < OUTSTANDING; done += 1000) {
            List<Message> messages = new ArrayList<>(1000);
            for (int i = 0; i < Math.min(1000, OUTSTANDING - done); i++) {
                messages.add(bench.courierMessage(System.nanoTime()));
            }
            outbox.add(messages, OutboxTransaction.NONE);
        }
        double rate = OutboxSweepBenchmark.sweep(outbox, producer, OUTSTANDING,
                500); // the sweeper's default batch size (and 8 batches in flight, its default)
        OutboxSweepBenchmark.purge(bench);
        Arrays.sort(adds);
        return new double[] {adds[ADDS / 2] / 1e6, adds[(int) Math.ceil(ADDS * 0.99) - 1] / 1e6, rate};
    }
}
