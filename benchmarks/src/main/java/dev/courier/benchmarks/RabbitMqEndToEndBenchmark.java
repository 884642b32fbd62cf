package dev.courier.benchmarks;

import dev.courier.spi.MessageProducer;

/**
 * Produce, consume, acknowledge: Courier's producer and consumer (one pump thread) against the raw client (acking in
 * {@code handleDelivery}), same settings (persistent, confirms with a window of 1000, prefetch 100, 256-byte bodies).
 * The rate comes from an unpaced run; latency (send to receipt by the consumer's code, which then acks) from runs
 * paced at a fixed rate, so that both sides are measured below saturation. Four rounds; in each, the paced part is
 * four one-second segments per side, the sides alternating segment by segment (and which goes first), after a
 * {@code System.gc()}: on a shared machine a burst of load lasts seconds, and long segments let it land on one
 * side only. The figures are the overall rate (total messages / total time) and the p99 of all latencies pooled.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqEndToEndBenchmark}.
 */
public final class RabbitMqEndToEndBenchmark {
    /** Paced segments per side and round, one second each at the default rate, alternating sides. */
    private static final int SEGMENTS = 4;

    private RabbitMqEndToEndBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqEndToEndBenchmark::measure);
    }

    private static void measure() throws Exception {
        int n = Integer.getInteger("messages", 20_000);
        int paced = Integer.getInteger("pacedRate", 1000);
        int rounds = 4;
        try (RabbitMqBench bench = new RabbitMqBench(); MessageProducer producer = bench.transport.producer()) {
            for (boolean courier : new boolean[] {false, true}) { // warm-up: the JIT compiles both paths, paced too
                run(bench, producer, courier, n, 0);
                run(bench, producer, courier, paced, paced);
            }
            double[] rawRate = new double[rounds];
            double[] courierRate = new double[rounds];
            double[] rawP99 = new double[rounds];
            double[] courierP99 = new double[rounds];
            java.util.List<long[]> rawLatencies = new java.util.ArrayList<>();
            java.util.List<long[]> courierLatencies = new java.util.ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                rawRate[r] = run(bench, producer, false, n, 0).rate();
                courierRate[r] = run(bench, producer, true, n, 0).rate();
                java.util.List<long[]> rawRound = new java.util.ArrayList<>();
                java.util.List<long[]> courierRound = new java.util.ArrayList<>();
                for (int s = 0; s < SEGMENTS; s++) {
                    boolean courierFirst = (r * SEGMENTS + s) % 2 == 1; // neither side always runs second
                    for (boolean courier : courierFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                        System.gc(); // no side inherits the other's (or the unpaced run's) garbage
                        long[] latencies = run(bench, producer, courier, paced, paced).latencies();
                        (courier ? courierRound : rawRound).add(latencies);
                    }
                }
                RabbitMqBench.Result raw = RabbitMqBench.pooled(rawRound);
                RabbitMqBench.Result courier = RabbitMqBench.pooled(courierRound);
                rawLatencies.addAll(rawRound);
                courierLatencies.addAll(courierRound);
                rawP99[r] = raw.percentileMillis(0.99);
                courierP99[r] = courier.percentileMillis(0.99);
                System.out.printf("round %d: rate raw %.0f courier %.0f msgs/s; at %d msgs/s p50 raw %.2f courier "
                        + "%.2f ms, p99 raw %.2f courier %.2f ms%n", r + 1, rawRate[r], courierRate[r], paced,
                        raw.percentileMillis(0.5), courier.percentileMillis(0.5), rawP99[r], courierP99[r]);
            }
            double rate = RabbitMqBench.overall(courierRate);
            double rateBase = RabbitMqBench.overall(rawRate);
            double p99 = RabbitMqBench.pooled(courierLatencies).percentileMillis(0.99);
            double p99Base = RabbitMqBench.pooled(rawLatencies).percentileMillis(0.99);
            System.out.printf("end to end: courier %.0f msgs/s, raw %.0f msgs/s, ratio %.2f; p99 at %d msgs/s "
                    + "courier %.2f ms, raw %.2f ms, ratio %.2f%n", rate, rateBase, rate / rateBase, paced, p99,
                    p99Base, p99 / p99Base);
            System.out.printf("p99 median of rounds (for comparison; BENCH uses the pooled p99): courier %.2f ms, "
                    + "raw %.2f ms, ratio %.2f%n", RabbitMqBench.median(courierP99), RabbitMqBench.median(rawP99),
                    RabbitMqBench.median(courierP99) / RabbitMqBench.median(rawP99));
            System.out.println("BENCH name=e2e.rabbitmq.roundtrip.rate figure=" + RabbitMqBench.format(rate)
                    + " unit=msgs/s baseline=" + RabbitMqBench.format(rateBase) + " target=ratio>=0.8");
            System.out.println("BENCH name=e2e.rabbitmq.roundtrip.p99 figure=" + RabbitMqBench.format(p99)
                    + " unit=ms baseline=" + RabbitMqBench.format(p99Base) + " target=ratio<=1.5");
        }
    }

    private static RabbitMqBench.Result run(RabbitMqBench bench, MessageProducer producer, boolean courier, int n,
            int perSecond) throws Exception {
        bench.purge();
        RabbitMqBench.Draining draining = courier ? bench.courierConsume(1, n) : bench.rawConsume(1, n);
        long start = System.nanoTime();
        if (courier) {
            bench.courierPublish(producer, n, perSecond);
        } else {
            bench.rawPublish(n, perSecond);
        }
        return draining.await(start);
    }
}
