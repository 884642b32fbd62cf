package dev.courier.benchmarks;

import dev.courier.Producers;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two curves of the full stack of {@link RabbitMqFullStackBenchmark} ({@code postAsync} → JSON → in-memory outbox →
 * confirms → broker → a one-performer Dispatcher → handler → ack) against the raw client doing the same work
 * (Jackson both ways, confirms, manual acks), in the same run:
 * <ul>
 *   <li><b>latency under load</b>: the highest rate Courier reaches unpaced, then p50/p99/p99.9 (post to handler)
 *   paced at 25 %, 50 % and 80 % of it, both sides at the same rate; latency counts from when each message was due,
 *   so a stall shows in every message it held up (coordinated omission accounted for);
 *   <li><b>message size</b>: MB/s of bodies of 256 B, 16 KiB and 1 MiB, unpaced.
 * </ul>
 * Prints {@code CURVE} lines (benchmarks/README.md). Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqLoadCurvesBenchmark}.
 */
public final class RabbitMqLoadCurvesBenchmark {
    private static final int[] LOADS = {25, 50, 80};
    private static final int[] SIZES = {256, 16 * 1024, 1024 * 1024};

    private RabbitMqLoadCurvesBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqLoadCurvesBenchmark::measure);
    }

    private static void measure() throws Exception {
        int seconds = Integer.getInteger("seconds", 4);
        try (RabbitMqBench bench = new RabbitMqBench();
                CommandProcessor processor = CommandProcessor.builder()
                        .mappers(new MessageMappers().json(RabbitMqFullStackBenchmark.Job.class, bench.topic))
                        .producers(Producers.of(bench.transport.producer())).build()) {
            latencyUnderLoad(bench, processor, seconds);
            messageSize(bench, processor);
        }
    }

    private static void latencyUnderLoad(RabbitMqBench bench, CommandProcessor processor, int seconds)
            throws Exception {
        RabbitMqFullStackBenchmark.Courier courier = new RabbitMqFullStackBenchmark.Courier(bench, processor);
        for (int w = 0; w < 2; w++) {
            courier.run(20_000, 0);
            raw(bench, RabbitMqFullStackBenchmark.JSON_JOBS, 20_000, 0);
        }
        double[] max = new double[3];
        for (int r = 0; r < max.length; r++) {
            max[r] = courier.run(20_000, 0).rate();
        }
        double maxRate = RabbitMqBench.median(max);
        System.out.printf(Locale.ROOT, "latency under load: Courier's maximum %.0f msgs/s (median of 3)%n", maxRate);
        for (int load : LOADS) {
            int rate = (int) (maxRate * load / 100);
            int n = rate * seconds;
            List<long[]> courierRuns = new ArrayList<>();
            List<long[]> rawRuns = new ArrayList<>();
            for (int r = 0; r < 2; r++) { // alternating halves, so drift on a shared machine hits both sides
                courierRuns.add(courier.run(n / 2, rate).latencies());
                rawRuns.add(raw(bench, RabbitMqFullStackBenchmark.JSON_JOBS, n / 2, rate).latencies());
            }
            print("latency-under-load", load, "courier", rate, RabbitMqBench.pooled(courierRuns));
            print("latency-under-load", load, "raw", rate, RabbitMqBench.pooled(rawRuns));
        }
    }

    private static void print(String curve, int load, String series, int rate, RabbitMqBench.Result result) {
        System.out.printf(Locale.ROOT, "CURVE curve=%s x=%d xlabel=\"load (%% of Courier's maximum rate)\" "
                + "series=%s rate=%d p50=%.3f p99=%.3f p99.9=%.3f unit=ms%n", curve, load, series, rate,
                result.percentileMillis(0.5), result.percentileMillis(0.99), result.percentileMillis(0.999));
    }

    private static void messageSize(RabbitMqBench bench, CommandProcessor processor) throws Exception {
        for (int size : SIZES) {
            String payload = "x".repeat(Math.max(1, size - 90)); // the JSON around the payload is about 90 bytes
            int n = (int) Math.max(200, Math.min(20_000, 64L * 1024 * 1024 / size));
            RabbitMqFullStackBenchmark.Courier courier =
                    new RabbitMqFullStackBenchmark.Courier(bench, processor, 1, payload);
            RabbitMqBench.RawCodec codec = RabbitMqFullStackBenchmark.jsonJobs(payload);
            courier.run(n, 0);
            raw(bench, codec, n, 0);
            double[] courierRates = new double[3];
            double[] rawRates = new double[3];
            for (int r = 0; r < 3; r++) {
                courierRates[r] = courier.run(n, 0).rate();
                rawRates[r] = raw(bench, codec, n, 0).rate();
            }
            double mb = size / 1e6;
            System.out.printf(Locale.ROOT, "CURVE curve=message-size x=%d xlabel=\"body size (bytes)\" series=courier "
                    + "MB/s=%.2f msgs/s=%.0f unit=MB/s%n", size, RabbitMqBench.overall(courierRates) * mb,
                    RabbitMqBench.overall(courierRates));
            System.out.printf(Locale.ROOT, "CURVE curve=message-size x=%d xlabel=\"body size (bytes)\" series=raw "
                    + "MB/s=%.2f msgs/s=%.0f unit=MB/s%n", size, RabbitMqBench.overall(rawRates) * mb,
                    RabbitMqBench.overall(rawRates));
        }
    }

    private static RabbitMqBench.Result raw(RabbitMqBench bench, RabbitMqBench.RawCodec codec, int n, int perSecond)
            throws Exception {
        bench.purge();
        RabbitMqBench.Draining draining = bench.rawConsume(1, n, codec);
        long start = System.nanoTime();
        bench.rawPublish(n, perSecond, codec);
        return draining.await(start);
    }
}
