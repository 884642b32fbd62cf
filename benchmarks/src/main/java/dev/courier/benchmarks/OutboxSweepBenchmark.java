package dev.courier.benchmarks;

import com.rabbitmq.client.Channel;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.Producers;
import dev.courier.message.Message;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.jdbc.JdbcOutbox;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Sweeping 100,000 outstanding outbox rows from PostgreSQL to RabbitMQ with confirms ({@link OutboxSweeper}: claim a
 * batch, send it with confirms, mark it dispatched, repeat), against raw amqp-client publishing the same 256-byte
 * payloads with confirms and the same in-flight window and no database, in the same run. Target: at least 0.5x.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.OutboxSweepBenchmark}
 * ({@code -Dmessages=N}, {@code -DbatchSize=N} and {@code -DinFlight=N}: the sweeper's defaults, 500 and 8).
 */
public final class OutboxSweepBenchmark {
    private OutboxSweepBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("messages", 100_000);
        int batch = Integer.getInteger("batchSize", 500);
        String url = System.getenv().getOrDefault("COURIER_POSTGRES_URL",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        String table = "bench_sweep_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(4);
        try (HikariDataSource dataSource = new HikariDataSource(pool);
                RabbitMqBench bench = new RabbitMqBench();
                MessageProducer producer = bench.transport.producer()) {
            JdbcOutbox outbox = JdbcOutbox.builder(dataSource).table(table).createTables(true).build();
            try {
                fill(outbox, bench, n);
                double raw = bench.rawPublish(n, 0);
                purge(bench);
                double courier = sweep(outbox, producer, n, batch);
                purge(bench);
                System.out.printf(Locale.ROOT, "outbox sweep of %d rows: courier %.0f msgs/s (batch %d), raw publish %.0f "
                        + "msgs/s, ratio %.2f%n", n, courier, batch, raw, courier / raw);
                System.out.println("BENCH name=e2e.outbox.sweep.rabbitmq figure=" + RabbitMqBench.format(courier)
                        + " unit=msgs/s baseline=" + RabbitMqBench.format(raw) + " target=ratio>=0.5");
            } finally {
                try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                    statement.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
    }

    private static void fill(JdbcOutbox outbox, RabbitMqBench bench, int n) {
        for (int done = 0; done < n; done += 1000) {
            List<Message> messages = new ArrayList<>(1000);
            for (int i = 0; i < Math.min(1000, n - done); i++) {
                messages.add(bench.courierMessage(System.nanoTime()));
            }
            outbox.add(messages, OutboxTransaction.NONE);
        }
        if (outbox.outstandingCount() != n) {
            throw new IllegalStateException("expected " + n + " outstanding rows but found " + outbox.outstandingCount());
        }
    }

    static double sweep(JdbcOutbox outbox, MessageProducer producer, int n, int batch) {
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(producer)).minAge(Duration.ZERO)
                .batchSize(batch).maxBatchesPerSweep(Integer.MAX_VALUE)
                .maxBatchesInFlight(Integer.getInteger("inFlight", 8)).build()) {
            long start = System.nanoTime();
            long deadline = start + Duration.ofMinutes(5).toNanos();
            int sent = 0;
            while (sent < n) {
                // A sweep that fails (say the database restarts) leaves its batch leased until the lease ends.
                sent += sweeper.sweep();
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("sweep stalled after " + sent + " of " + n);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (outbox.outstandingCount() != 0) {
                throw new IllegalStateException(outbox.outstandingCount() + " rows still outstanding");
            }
            return n / seconds;
        }
    }

    static void purge(RabbitMqBench bench) throws Exception {
        try (Channel channel = bench.raw.createChannel()) {
            channel.queuePurge(bench.subscription.channel());
        }
    }
}
