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
import com.rabbitmq.client.AMQP;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Sweeping 100,000 outstanding outbox rows from PostgreSQL to RabbitMQ with confirms ({@link OutboxSweeper}: claim a
 * batch, send it with confirms, mark it dispatched, repeat), against raw amqp-client publishing the same 256-byte
 * payloads with confirms and the same in-flight window and no database (target: at least 0.9x, issue 20), and
 * against a hand-written {@code SKIP LOCKED} relay of the same rows with the same batch size (target: at least 1.0x),
 * in the same run. After warm-up passes of a fifth of the rows each (until the JIT settles, see
 * {@link RabbitMqBench#warmUp}: without them the first measured pass compiled the sweeper's path, and one such pass
 * read 0.65x raw publishing where the next two read 0.84x and 0.92x), three rounds (each one pass of every side, the
 * relay and the sweeper taking turns to go first);
 * each figure is the overall rate of its side's passes: one pass takes seconds, and on a machine shared with the
 * broker and the database one such sample read the sweeper at 0.78x the relay where four single runs of the same
 * jar read 1.01x to 1.05x.
 *
 * <p>Where the processes run is part of the result, and of every figure's name. {@code -Dlayout=shared} (the
 * default): every process may use every core ({@code *.shared-cores}). {@code -Dlayout=split}: the broker was given
 * a core of its own beforehand ({@code taskset}: every thread of {@code beam.smp} on CPU 0, PostgreSQL and this
 * process on the others; {@code *.split-cores}); the run checks the CPU lists in {@code /proc} and stops if the
 * broker's overlaps this process's. benchmarks/run runs both. On shared cores the database's work (about 25 us per
 * message, which only the sweeper's and the relay's sides do) and the sweeper's threads compete with the broker for
 * the same two cores, and the broker then spends more per swept message than per raw one; with the broker apart, it
 * spends about the same on both, and the ratio says whether the sweeper keeps the broker as busy as raw publishing
 * does. The price: a broker held to one core is slower for raw code too (by 4-14 % here), so the split figure is
 * against a one-core broker, and the shared one is printed beside it. Only the figures of {@code -DjudgedLayout}
 * (default: this run's layout) carry the targets; the others say {@code target=none}.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.OutboxSweepBenchmark}
 * ({@code -Dmessages=N}, {@code -Drounds=N}, {@code -DbatchSize=N} and {@code -DinFlight=N}: the sweeper's defaults,
 * 500 and 8).
 */
public final class OutboxSweepBenchmark {
    private OutboxSweepBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("messages", 100_000);
        int batch = Integer.getInteger("batchSize", 500);
        int rounds = Integer.getInteger("rounds", 3);
        String layout = System.getProperty("layout", "shared");
        if (!layout.equals("shared") && !layout.equals("split")) {
            throw new IllegalArgumentException("-Dlayout=" + layout + ": use shared or split");
        }
        String judgedLayout = System.getProperty("judgedLayout", layout);
        if (!judgedLayout.equals("shared") && !judgedLayout.equals("split")) {
            throw new IllegalArgumentException("-DjudgedLayout=" + judgedLayout + ": use shared or split");
        }
        boolean judged = layout.equals(judgedLayout);
        String self = Cpu.allowed("self");
        String broker = Cpu.allowed("beam.smp");
        System.out.printf(Locale.ROOT, "layout %s: CPUs allowed to this process %s, the broker (beam.smp) %s, the "
                + "database (postgres) %s%n", layout, self, broker, Cpu.allowed("postgres"));
        if (layout.equals("split") && Cpu.overlap(self, broker)) {
            throw new IllegalStateException("-Dlayout=split, but the broker (beam.smp) may run on CPUs " + broker
                    + " and this process on " + self + ": pin them apart first (see benchmarks/run)");
        }
        String table = table("bench_sweep_");
        try (HikariDataSource dataSource = postgres();
                RabbitMqBench bench = new RabbitMqBench();
                MessageProducer producer = bench.transport.producer()) {
            JdbcOutbox outbox = JdbcOutbox.builder(dataSource).table(table).createTables(true).build();
            try {
                double[] raw = new double[rounds];
                double[] relay = new double[rounds];
                double[] courier = new double[rounds];
                Cpu rawCpu = new Cpu();
                Cpu relayCpu = new Cpu();
                Cpu courierCpu = new Cpu();
                Cpu[] cpus = {rawCpu, relayCpu, courierCpu};
                int w = Math.max(1, n / 5);
                RabbitMqBench.warmUp("passes of " + w, () -> // the JIT on every side, and the broker's queue
                        round(w, true, new Cpu[] {new Cpu(), new Cpu(), new Cpu()}, dataSource, table, outbox, bench,
                                producer, batch));
                for (int r = 0; r < rounds; r++) { // one pass each is a sample of a second on a shared machine
                    double[] rates = round(n, r % 2 == 0, cpus, dataSource, table, outbox, bench, producer, batch);
                    raw[r] = rates[0];
                    relay[r] = rates[1];
                    courier[r] = rates[2];
                    System.out.printf(Locale.ROOT, "round %d: courier %.0f msgs/s, raw publish %.0f, relay %.0f%n",
                            r + 1, courier[r], raw[r], relay[r]);
                }
                double sweeper = RabbitMqBench.overall(courier);
                double publishing = RabbitMqBench.overall(raw);
                double relaying = RabbitMqBench.overall(relay);
                System.out.printf(Locale.ROOT, "outbox sweep of %d rows, %d rounds: courier %.0f msgs/s (batch %d), raw "
                        + "publish %.0f msgs/s, ratio %.2f; hand-written relay %.0f msgs/s, ratio %.2f%n", n, rounds,
                        sweeper, batch, publishing, sweeper / publishing, relaying, sweeper / relaying);
                System.out.printf(Locale.ROOT, "CPU per message (this process / the broker / the database / the "
                        + "whole machine): courier %s, raw publish %s, relay %s%n", courierCpu, rawCpu, relayCpu);
                String suffix = "." + layout + "-cores";
                System.out.println("BENCH name=e2e.outbox.sweep.rabbitmq" + suffix + " figure="
                        + RabbitMqBench.format(sweeper) + " unit=msgs/s baseline=" + RabbitMqBench.format(publishing)
                        + " target=" + (judged ? "ratio>=0.9" : "none"));
                System.out.println("BENCH name=e2e.outbox.sweep.vs-relay" + suffix + " figure="
                        + RabbitMqBench.format(sweeper) + " unit=msgs/s baseline=" + RabbitMqBench.format(relaying)
                        + " target=" + (judged ? "ratio>=1.0" : "none"));
            } finally {
                drop(dataSource, table);
            }
        }
    }

    /**
     * One pass of every side over {@code rows} rows, each from the same start: raw publishing, then the relay and
     * the sweeper ({@code relayFirst}) or the other way round, each on a truncated, freshly filled table. Returns the
     * rates of raw publishing, the relay and the sweeper, and adds each pass's CPU to {@code cpus} in that order.
     */
    private static double[] round(int rows, boolean relayFirst, Cpu[] cpus, HikariDataSource dataSource, String table,
            JdbcOutbox outbox, RabbitMqBench bench, MessageProducer producer, int batch) throws Exception {
        double[] rates = new double[3];
        Cpu.Mark rawStart = Cpu.mark(dataSource);
        rates[0] = bench.rawPublish(rows, 0);
        cpus[0].add(rawStart, rows, "raw publish", rates[0], dataSource);
        purge(bench);
        for (boolean relaySide : relayFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
            truncate(dataSource, table); // every pass starts from the same table
            fill(outbox, bench, rows);
            int side = relaySide ? 1 : 2;
            Cpu.Mark mark = Cpu.mark(dataSource);
            rates[side] = relaySide ? relay(dataSource, table, bench, rows, batch)
                    : sweep(outbox, producer, rows, batch);
            cpus[side].add(mark, rows, relaySide ? "relay" : "courier", rates[side], dataSource);
            purge(bench);
        }
        return rates;
    }

    /**
     * CPU spent in passes, per message: this process's (from the JVM), the broker's and the database's (their
     * processes' user and system time in {@code /proc}: {@code beam.smp}, {@code postgres}) and the whole machine's
     * (busy time from {@code /proc/stat}): the broker and the database share the machine's cores with this process,
     * so CPU the sweeper's side spends in the database is CPU the broker does not get.
     */
    private static final class Cpu {
        private long processNanos;
        private long brokerTicks;
        private long databaseTicks;
        private long machineTicks;
        private long messages;

        /** Also the broker's system ticks and bytes written, and the database's checkpoints, for each pass's line. */
        record Mark(long processNanos, long brokerTicks, long databaseTicks, long machineTicks, long brokerSystemTicks,
                long brokerWritten, long checkpoints) {}

        static Mark mark(HikariDataSource dataSource) {
            return new Mark(RabbitMqBench.processCpuNanos(), commandTicks("beam.smp"), commandTicks("postgres"),
                    machineBusyTicks(), commandSystemTicks("beam.smp"), writtenBytes("beam.smp"),
                    checkpoints(dataSource));
        }

        /**
         * Adds one pass of {@code moved} messages and prints its line: the side, its rate, and the broker's CPU per
         * message (user and system), the bytes it wrote per message and the database's checkpoints meanwhile.
         */
        void add(Mark from, int moved, String side, double rate, HikariDataSource dataSource) {
            long broker = commandTicks("beam.smp") - from.brokerTicks();
            long brokerSystem = commandSystemTicks("beam.smp") - from.brokerSystemTicks();
            processNanos += RabbitMqBench.processCpuNanos() - from.processNanos();
            brokerTicks += broker;
            databaseTicks += commandTicks("postgres") - from.databaseTicks();
            machineTicks += machineBusyTicks() - from.machineTicks();
            messages += moved;
            double perTick = 1e6 / ThreadCpu.TICKS_PER_SECOND / moved;
            System.out.printf(Locale.ROOT, "  pass %s: %.0f msgs/s; the broker %.1f us a message (%.1f in the kernel), "
                    + "wrote %.0f bytes a message; database checkpoints meanwhile %d%n", side, rate, broker * perTick,
                    brokerSystem * perTick, (writtenBytes("beam.smp") - from.brokerWritten()) / (double) moved,
                    checkpoints(dataSource) - from.checkpoints());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f us", processNanos / 1e3 / messages,
                    micros(brokerTicks), micros(databaseTicks), micros(machineTicks));
        }

        private double micros(long ticks) {
            return ticks * 1e6 / ThreadCpu.TICKS_PER_SECOND / messages;
        }

        /**
         * The CPUs the processes named {@code command} may run on ({@code Cpus_allowed_list} in
         * {@code /proc/<pid>/status}; {@code self} for this process), distinct lists joined by {@code ;}, or
         * {@code ?} when none is found or this is not Linux.
         */
        static String allowed(String command) {
            Set<String> lists = new TreeSet<>();
            boolean listed = eachProcess(command.equals("self") ? "self" : "[0-9]*", process -> {
                String name = null;
                String cpus = null;
                for (String line : Files.readAllLines(process.resolve("status"))) {
                    if (line.startsWith("Name:")) {
                        name = line.substring(5).trim();
                    } else if (line.startsWith("Cpus_allowed_list:")) {
                        cpus = line.substring(18).trim();
                    }
                }
                if (cpus != null && (command.equals("self") || command.equals(name))) {
                    lists.add(cpus);
                }
            });
            return !listed || lists.isEmpty() ? "?" : String.join(";", lists);
        }

        /**
         * Whether two outputs of {@link #allowed} may share a CPU; {@code true} when either is unknown ({@code ?}),
         * as it is when the broker does not run on this machine.
         */
        static boolean overlap(String a, String b) {
            if (a.equals("?") || b.equals("?")) {
                return true;
            }
            BitSet left = cpus(a);
            return left.intersects(cpus(b));
        }

        /** The CPUs of lists such as {@code 0-1;3,5} (Linux's list format, several joined by {@code ;}). */
        private static BitSet cpus(String lists) {
            BitSet set = new BitSet();
            for (String range : lists.split("[;,]")) {
                String[] ends = range.trim().split("-");
                int from = Integer.parseInt(ends[0]);
                set.set(from, (ends.length > 1 ? Integer.parseInt(ends[1]) : from) + 1);
            }
            return set;
        }

        /** Busy clock ticks of all cores since boot (the first line of {@code /proc/stat} less idle and iowait). */
        private static long machineBusyTicks() {
            try (BufferedReader stat = Files.newBufferedReader(Path.of("/proc/stat"))) {
                String[] fields = stat.readLine().trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < Math.min(fields.length, 9); i++) { // user .. steal
                    busy += i == 4 || i == 5 ? 0 : Long.parseLong(fields[i]); // not idle, not iowait
                }
                return busy;
            } catch (IOException e) {
                return 0; // not Linux: the machine's figure reads 0
            }
        }

        /**
         * User and system clock ticks of the running processes named {@code command} ({@code /proc/<pid>/stat}); a
         * process that exits between two marks takes its ticks with it (the benchmark's database connections are
         * pooled and stay).
         */
        private static long commandTicks(String command) {
            return sumOver(command, (process, stat) -> ThreadCpu.busyTicks(stat));
        }

        /** System clock ticks of the running processes named {@code command}. */
        private static long commandSystemTicks(String command) {
            return sumOver(command, (process, stat) -> Long.parseLong(ThreadCpu.statFields(stat)[12]));
        }

        /** Bytes the running processes named {@code command} caused to be written ({@code write_bytes}, /proc/<pid>/io). */
        private static long writtenBytes(String command) {
            return sumOver(command, (process, fields) -> {
                for (String line : Files.readAllLines(process.resolve("io"))) {
                    if (line.startsWith("write_bytes:")) {
                        return Long.parseLong(line.substring(12).trim());
                    }
                }
                return 0;
            });
        }

        /** Reads a figure of one process: its directory in /proc, and its stat line. */
        private interface Figure {
            long of(Path process, String stat) throws IOException;
        }

        /**
         * The sum of {@code figure} over the running processes named {@code command}; 0 where there is none (or this
         * is not Linux).
         */
        private static long sumOver(String command, Figure figure) {
            long[] sum = {0};
            eachProcess("[0-9]*", process -> {
                String stat = Files.readString(process.resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open >= 0 && close >= 0 && stat.substring(open + 1, close).equals(command)) {
                    sum[0] += figure.of(process, stat);
                }
            });
            return sum[0];
        }

        /** The database's checkpoints so far (timed and requested), or -1 when they cannot be read. */
        private static long checkpoints(HikariDataSource dataSource) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery(
                            "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")) {
                return row.next() ? row.getLong(1) : -1;
            } catch (java.sql.SQLException e) {
                return -1;
            }
        }

        /** Reads what {@link #eachProcess} hands it. */
        private interface ProcessReader {
            void read(Path process) throws IOException;
        }

        /**
         * Runs {@code reader} on each directory of {@code /proc} that {@code glob} matches, skipping a process that
         * exits meanwhile or cannot be read; false when {@code /proc} cannot be listed (not Linux).
         */
        private static boolean eachProcess(String glob, ProcessReader reader) {
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), glob)) {
                for (Path process : processes) {
                    try {
                        reader.read(process);
                    } catch (IOException | RuntimeException e) {
                        // exited meanwhile, or not readable
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** A pool of four connections to the PostgreSQL at {@code COURIER_POSTGRES_URL} (default: this machine's). */
    static HikariDataSource postgres() {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(System.getenv().getOrDefault("COURIER_POSTGRES_URL",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
        pool.setMaximumPoolSize(4);
        return new HikariDataSource(pool);
    }

    /** A table name no other run uses: {@code prefix} and eight random hex digits. */
    static String table(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    private static void truncate(HikariDataSource dataSource, String table) throws java.sql.SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE " + table);
        }
    }

    static void drop(HikariDataSource dataSource, String table) throws java.sql.SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /**
     * The relay an application would write by hand: in one transaction, lock the oldest {@code batch} outstanding
     * rows ({@code FOR UPDATE SKIP LOCKED}), publish their bodies persistent and mandatory with their message ids,
     * wait for the broker's confirms, mark the rows dispatched and commit; until nothing is outstanding.
     */
    static double relay(HikariDataSource dataSource, String table, RabbitMqBench bench, int n, int batch)
            throws Exception {
        try (Channel channel = bench.raw.createChannel(); Connection db = dataSource.getConnection();
                PreparedStatement claim = db.prepareStatement("SELECT seq, message_id, content_type, body FROM "
                        + table + " WHERE dispatched_at IS NULL ORDER BY created_at, seq LIMIT ? FOR UPDATE SKIP LOCKED");
                PreparedStatement mark = db.prepareStatement("UPDATE " + table + " SET dispatched_at = ? WHERE seq = ANY(?)")) {
            channel.confirmSelect();
            db.setAutoCommit(false);
            int sent = 0;
            long start = System.nanoTime();
            while (sent < n) {
                claim.setInt(1, batch);
                List<Long> seqs = new ArrayList<>(batch);
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        seqs.add(rows.getLong(1));
                        channel.basicPublish(bench.prefix, bench.topic, true, new AMQP.BasicProperties.Builder()
                                .messageId(rows.getString(2)).contentType(rows.getString(3)).deliveryMode(2).build(),
                                rows.getBytes(4));
                    }
                }
                if (seqs.isEmpty()) {
                    throw new IllegalStateException("relay found nothing outstanding after " + sent + " of " + n);
                }
                channel.waitForConfirmsOrDie(60_000);
                mark.setLong(1, System.currentTimeMillis() * 1000);
                mark.setArray(2, db.createArrayOf("bigint", seqs.toArray()));
                mark.executeUpdate();
                db.commit();
                sent += seqs.size();
            }
            return n / ((System.nanoTime() - start) / 1e9);
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
