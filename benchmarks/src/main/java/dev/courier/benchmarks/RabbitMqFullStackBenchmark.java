package dev.courier.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.store.InMemoryOutbox;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The whole of Courier's path, as an application uses it: {@code postAsync} of a record command (JSON mapping, the
 * in-memory outbox, publish with confirms, marked dispatched on the confirm) and a {@link Dispatcher} with one
 * performer that maps each message back to the command, runs its handler and acknowledges it. Against the raw
 * client publishing and acking 256-byte bodies with the same settings (persistent, confirm window 1000, prefetch
 * 100), in the same run. {@link RabbitMqEndToEndBenchmark} measures the transport alone; this one adds what the
 * issue's "post, consume, handle, ack" means. Rounds alternate sides; the rate is unpaced, the p99 (post to the
 * handler's entry) comes from runs paced at {@code pacedRate} messages per second. Client CPU per message is the
 * process CPU from the first post (or raw publish) to the last message handled: each round starts and stops a
 * Dispatcher of its own (raw opens and closes its channels), which a service does once, so neither side counts it.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqFullStackBenchmark}
 * ({@code -Dperformers=1,4}; {@code -Dside=courier} or {@code raw} runs one side alone, see {@link #oneSide}).
 */
public final class RabbitMqFullStackBenchmark {
    /** A command whose JSON is about as long as the raw side's 256-byte body. */
    public record Job(UUID id, long postedAt, String payload) implements Command {}

    private static final String PAYLOAD = "x".repeat(RabbitMqBench.BODY - 90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Paced runs per side and round ({@code -DpacedSegments}), 2,000 messages each (two seconds at the default
     * {@code pacedRate}): 54,000 latencies per side in all, so that 540 are worse than the p99. With one run per
     * round (6,000 a side) the four-performer p99 read 0.59 to 12.07x raw's in eleven full runs, most with no change
     * to the consuming path; with three (18,000) 0.79 to 1.55x in eleven. Each round's own p99s are printed too, so
     * that the spread of one third of the sample shows next to the pooled figure.
     */
    private static final int PACED_SEGMENTS = Integer.getInteger("pacedSegments", 9);

    /**
     * The raw side's work per message, as hand-written application code would do it: the same record written to
     * JSON with Jackson on publishing, read back into the record on consuming (the handler's work, reading the
     * send time, is the same on both sides).
     */
    static final RabbitMqBench.RawCodec JSON_JOBS = jsonJobs(PAYLOAD);

    /** {@link #JSON_JOBS} with another payload. */
    static RabbitMqBench.RawCodec jsonJobs(String payload) {
        ObjectWriter writer = JSON.writerFor(Job.class);
        ObjectReader reader = JSON.readerFor(Job.class);
        return new RabbitMqBench.RawCodec() {
            @Override
            public byte[] body(long stamp) throws IOException {
                return writer.writeValueAsBytes(new Job(UUID.randomUUID(), stamp, payload));
            }

            @Override
            public long stamp(byte[] body) throws IOException {
                return reader.<Job>readValue(body).postedAt();
            }

            @Override
            public String contentType() {
                return "application/json";
            }
        };
    }

    private RabbitMqFullStackBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqFullStackBenchmark::measure);
    }

    private static void measure() throws Exception {
        int n = Integer.getInteger("messages", 20_000);
        int paced = Integer.getInteger("pacedRate", 1000);
        String side = System.getProperty("side", "");
        try (RabbitMqBench bench = new RabbitMqBench();
                CommandProcessor processor = CommandProcessor.builder()
                        .outbox(new InMemoryOutbox(Clock.systemUTC(), InMemoryOutbox.DEFAULT_MAX_OUTSTANDING,
                                Integer.getInteger("maxDispatched", InMemoryOutbox.DEFAULT_MAX_DISPATCHED)))
                        .mappers(new MessageMappers().json(Job.class, bench.topic))
                        .producers(Producers.of(bench.transport.producer())).build()) {
            for (String count : System.getProperty("performers", "1,4").split(",")) {
                int performers = Integer.parseInt(count.trim());
                Courier courier = new Courier(bench, processor, performers);
                if (side.isEmpty()) {
                    measure(bench, courier, performers, n, paced);
                } else {
                    oneSide(bench, courier, side, performers, n);
                }
            }
        }
    }

    /**
     * For profiling, not a target: one side alone ({@code -Dside=courier} or {@code -Dside=raw}), unpaced, for
     * {@code -Drounds} rounds (default 16), each printing its rate and client CPU per message, so that a profiler,
     * {@code perf} or a GC log sees only that side. {@code -DthreadCpu=true} adds CPU and context switches per
     * thread; {@code -DmaxDispatched=N} sets the in-memory outbox's retention.
     */
    private static void oneSide(RabbitMqBench bench, Courier courier, String side, int performers, int n)
            throws Exception {
        if (!side.equals("courier") && !side.equals("raw")) {
            throw new IllegalArgumentException("-Dside must be courier or raw but was '" + side + "'");
        }
        for (int r = 0; r < Integer.getInteger("rounds", 16); r++) {
            System.gc();
            RabbitMqBench.Result result = side.equals("courier") ? courier.run(n, 0) : raw(bench, performers, n, 0);
            System.out.printf(Locale.ROOT, "%s, %d performer(s), round %d: %.0f msgs/s, client CPU %.1f us/msg%n",
                    side, performers, r + 1, result.rate(), result.cpuNanos() / 1e3 / n);
        }
    }

    /** Four percentiles of a side's paced latencies, in milliseconds. */
    private static String spread(RabbitMqBench.Result latencies) {
        return String.format(Locale.ROOT, "%.3f / %.3f / %.3f / %.3f ms", latencies.percentileMillis(0.5),
                latencies.percentileMillis(0.9), latencies.percentileMillis(0.99), latencies.percentileMillis(0.999));
    }

    /**
     * One performer count: Courier with that many performers against the raw client with that many consumers
     * (channels); rates and CPU per message from unpaced runs, p99 from paced ones.
     */
    private static void measure(RabbitMqBench bench, Courier courier, int performers, int n, int paced)
            throws Exception {
        int rounds = 3;
        RabbitMqBench.warmUp(performers + " performer(s)", () -> { // both sides, unpaced and paced
            courier.run(n, 0);
            courier.run(paced, paced);
            raw(bench, performers, n, 0);
            raw(bench, performers, paced, paced);
        });
        double[] courierRate = new double[rounds];
        double[] rawRate = new double[rounds];
        long courierCpu = 0;
        long rawCpu = 0;
        long courierJit = 0; // ms compiling during each side's unpaced runs: counted in their CPU
        long rawJit = 0;
        List<long[]> courierLatencies = new ArrayList<>();
        List<long[]> rawLatencies = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            int pacedBefore = courierLatencies.size();
            boolean courierFirst = r % 2 == 0;
            for (boolean side : courierFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                System.gc();
                long jit = RabbitMqBench.compilationMillis();
                RabbitMqBench.Result result = side ? courier.run(n, 0) : raw(bench, performers, n, 0);
                jit = RabbitMqBench.compilationMillis() - jit;
                (side ? courierRate : rawRate)[r] = result.rate();
                if (side) {
                    courierCpu += result.cpuNanos();
                    courierJit += jit;
                } else {
                    rawCpu += result.cpuNanos();
                    rawJit += jit;
                }
            }
            for (int s = 0; s < PACED_SEGMENTS; s++) { // short paced runs that alternate: a stall hits one of many
                boolean courierNext = (r * PACED_SEGMENTS + s) % 2 == 0;
                for (boolean side : courierNext ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    System.gc();
                    (side ? courierLatencies : rawLatencies).add((side ? courier.run(2 * paced, paced)
                            : raw(bench, performers, 2 * paced, paced)).latencies());
                }
            }
            double roundP99 = RabbitMqBench.pooled(courierLatencies.subList(pacedBefore, courierLatencies.size()))
                    .percentileMillis(0.99);
            double roundP99Base = RabbitMqBench.pooled(rawLatencies.subList(pacedBefore, rawLatencies.size()))
                    .percentileMillis(0.99);
            System.out.printf(Locale.ROOT, "%d performer(s), round %d: courier %.0f msgs/s, raw %.0f msgs/s; this "
                    + "round's paced p99 courier %.3f ms, raw %.3f ms, ratio %.2f%n", performers, r + 1,
                    courierRate[r], rawRate[r], roundP99, roundP99Base, roundP99 / roundP99Base);
        }
        double rate = RabbitMqBench.overall(courierRate);
        double rateBase = RabbitMqBench.overall(rawRate);
        double p99 = RabbitMqBench.pooled(courierLatencies).percentileMillis(0.99);
        double p99Base = RabbitMqBench.pooled(rawLatencies).percentileMillis(0.99);
        double cpu = courierCpu / 1e3 / ((double) n * rounds);
        double cpuBase = rawCpu / 1e3 / ((double) n * rounds);
        System.out.printf(Locale.ROOT, "full stack with %d performer(s) (postAsync -> outbox -> broker -> Dispatcher ->"
                + " handler -> ack): courier %.0f msgs/s, raw %.0f msgs/s, ratio %.2f; p99 at %d msgs/s courier %.2f "
                + "ms, raw %.2f ms, ratio %.2f; client CPU per message courier %.1f us, raw %.1f us, ratio %.2f%n",
                performers, rate, rateBase, rate / rateBase, paced, p99, p99Base, p99 / p99Base, cpu, cpuBase,
                cpu / cpuBase);
        System.out.printf(Locale.ROOT, "%d performer(s): latency at %d msgs/s, p50 / p90 / p99 / p99.9, courier %s, raw "
                + "%s%n", performers, paced, spread(RabbitMqBench.pooled(courierLatencies)),
                spread(RabbitMqBench.pooled(rawLatencies)));
        System.out.printf(Locale.ROOT, "%d performer(s): JIT compiling during the unpaced runs courier %d ms (%.1f us "
                + "per message), raw %d ms (%.1f us)%n", performers, courierJit, courierJit * 1e3 / ((double) n * rounds),
                rawJit, rawJit * 1e3 / ((double) n * rounds));
        String name = "e2e.rabbitmq.fullstack" + (performers == 1 ? "" : "." + performers);
        System.out.println("BENCH name=" + name + ".rate figure=" + RabbitMqBench.format(rate)
                + " unit=msgs/s baseline=" + RabbitMqBench.format(rateBase) + " target=ratio>=0.9");
        System.out.println("BENCH name=" + name + ".p99 figure=" + RabbitMqBench.format(p99)
                + " unit=ms baseline=" + RabbitMqBench.format(p99Base) + " target=ratio<=1.2");
        System.out.println("BENCH name=" + name + ".cpu figure=" + RabbitMqBench.format(cpu)
                + " unit=us/msg baseline=" + RabbitMqBench.format(cpuBase) + " target=ratio<=1.3");
    }

    private static RabbitMqBench.Result raw(RabbitMqBench bench, int consumers, int n, int perSecond)
            throws Exception {
        bench.purge();
        RabbitMqBench.Draining draining = bench.rawConsume(consumers, n, JSON_JOBS);
        RabbitMqBench.awaitQuietCompilers();
        ThreadCpu before = ThreadCpu.snapshot();
        long cpu = RabbitMqBench.processCpuNanos();
        long start = System.nanoTime();
        bench.rawPublish(n, perSecond, JSON_JOBS);
        RabbitMqBench.Result result = draining.await(start, cpu);
        ThreadCpu.snapshot().print("raw, " + consumers + " consumer(s), " + n + " at " + perSecond + "/s", before, n);
        return result;
    }

    /** Courier's side: a Dispatcher started for each run (so it never competes with the raw consumer). */
    static final class Courier {
        private final RabbitMqBench bench;
        private final CommandProcessor processor;
        private volatile long[] latencies = new long[0];
        private final AtomicInteger handled = new AtomicInteger();
        private volatile CountDownLatch done = new CountDownLatch(0);
        private volatile long lastAt;
        private final int performers;
        private final String payload;

        Courier(RabbitMqBench bench, CommandProcessor processor) {
            this(bench, processor, 1);
        }

        Courier(RabbitMqBench bench, CommandProcessor processor, int performers) {
            this(bench, processor, performers, PAYLOAD);
        }

        Courier(RabbitMqBench bench, CommandProcessor processor, int performers, String payload) {
            this.bench = bench;
            this.processor = processor;
            this.performers = performers;
            this.payload = payload;
        }

        RabbitMqBench.Result run(int n, int perSecond) throws Exception {
            bench.purge();
            latencies = new long[n];
            handled.set(0);
            done = new CountDownLatch(n);
            HandlerRegistry handlers = new HandlerRegistry().register(Job.class, job -> {
                long now = System.nanoTime();
                int i = handled.getAndIncrement();
                if (i < latencies.length) {
                    latencies[i] = now - job.postedAt();
                    lastAt = now;
                    done.countDown();
                }
            });
            try (CommandProcessor consuming = CommandProcessor.builder().handlers(handlers)
                    .mappers(new MessageMappers().json(Job.class, bench.topic))
                    .producers(Producers.of(bench.transport.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .subscription(Subscription.builder(bench.topic, Job.class).channel(bench.subscription.channel())
                                    .performers(performers).prefetch(RabbitMqBench.PREFETCH)
                                    .transport(bench.transport).build())
                            .build().start()) {
                List<CompletableFuture<UUID>> posted = new ArrayList<>(n);
                RabbitMqBench.awaitQuietCompilers();
                ThreadCpu before = ThreadCpu.snapshot();
                long cpu = RabbitMqBench.processCpuNanos();
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long due = System.nanoTime();
                    if (perSecond > 0) { // latency counts from when the message was due: a stall delays the rest
                        due = start + (long) (i * (1e9 / perSecond));
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    posted.add(processor.postAsync(new Job(UUID.randomUUID(), due, payload)).toCompletableFuture());
                }
                CompletableFuture.allOf(posted.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                if (!done.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("only " + handled.get() + " of " + n + " handled");
                }
                cpu = RabbitMqBench.processCpuNanos() - cpu;
                ThreadCpu.snapshot().print("courier, " + performers + " performer(s), " + n + " at " + perSecond + "/s",
                        before, n);
                dispatcher.stop(Duration.ofSeconds(10));
                return new RabbitMqBench.Result(n / ((lastAt - start) / 1e9), latencies, cpu);
            }
        }
    }
}
