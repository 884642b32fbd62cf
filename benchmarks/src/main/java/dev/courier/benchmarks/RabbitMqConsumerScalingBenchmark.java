package dev.courier.benchmarks;

import dev.courier.spi.MessageProducer;

/**
 * Draining a full queue with 1, 2 and 4 competing consumers: Courier consumers (a pump thread each) against raw
 * client consumers (a channel each, acking in {@code handleDelivery}); prefetch 100, 256-byte persistent bodies.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqConsumerScalingBenchmark}.
 */
public final class RabbitMqConsumerScalingBenchmark {
    private RabbitMqConsumerScalingBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqConsumerScalingBenchmark::measure);
    }

    private static void measure() throws Exception {
        int n = Integer.getInteger("messages", 20_000);
        int rounds = 4;
        try (RabbitMqBench bench = new RabbitMqBench(); MessageProducer producer = bench.transport.producer()) {
            drain(bench, false, 1, n / 3);
            drain(bench, true, 1, n / 3);
            for (int consumers : new int[] {1, 2, 4}) {
                double[] raw = new double[rounds];
                double[] courier = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    boolean courierFirst = r % 2 == 1; // alternate which side goes first
                    if (courierFirst) {
                        courier[r] = drain(bench, true, consumers, n);
                    }
                    raw[r] = drain(bench, false, consumers, n);
                    if (!courierFirst) {
                        courier[r] = drain(bench, true, consumers, n);
                    }
                }
                double figure = RabbitMqBench.overall(courier);
                double baseline = RabbitMqBench.overall(raw);
                System.out.printf("%d consumer(s): courier %.0f msgs/s, raw %.0f msgs/s, ratio %.2f%n", consumers,
                        figure, baseline, figure / baseline);
                System.out.println("BENCH name=e2e.rabbitmq.consume." + consumers + " figure="
                        + RabbitMqBench.format(figure) + " unit=msgs/s baseline=" + RabbitMqBench.format(baseline)
                        + " target=ratio>=0.8");
            }
        }
    }

    /** Fills the queue with n messages (raw publisher), then times draining it. */
    private static double drain(RabbitMqBench bench, boolean courier, int consumers, int n) throws Exception {
        bench.purge();
        bench.rawPublish(n, 0);
        long start = System.nanoTime();
        RabbitMqBench.Draining draining = courier ? bench.courierConsume(consumers, n)
                : bench.rawConsume(consumers, n);
        return draining.await(start).rate();
    }
}
