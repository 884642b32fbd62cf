package dev.courier.benchmarks;

import dev.courier.spi.MessageProducer;

/**
 * Publishing with confirms: Courier's {@code RabbitMqProducer} against the raw client doing the same (persistent,
 * mandatory, 256-byte bodies, async confirms with a window of 1000), alternating over six rounds; the figures are
 * overall rates (total messages / total time).
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqPublishBenchmark}.
 */
public final class RabbitMqPublishBenchmark {
    private RabbitMqPublishBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqPublishBenchmark::measure);
    }

    private static void measure() throws Exception {
        int n = Integer.getInteger("messages", 20_000);
        int rounds = 6;
        try (RabbitMqBench bench = new RabbitMqBench(); MessageProducer producer = bench.transport.producer()) {
            bench.rawPublish(n / 2, 0);
            bench.courierPublish(producer, n / 2, 0);
            bench.purge();
            double[] raw = new double[rounds];
            double[] courier = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 1) { // alternate which side goes first
                    courier[r] = bench.courierPublish(producer, n, 0);
                    bench.purge();
                }
                raw[r] = bench.rawPublish(n, 0);
                bench.purge();
                if (r % 2 == 0) {
                    courier[r] = bench.courierPublish(producer, n, 0);
                    bench.purge();
                }
                System.out.printf("round %d: raw %.0f msgs/s, courier %.0f msgs/s%n", r + 1, raw[r], courier[r]);
            }
            double figure = RabbitMqBench.overall(courier);
            double baseline = RabbitMqBench.overall(raw);
            System.out.printf("publish with confirms: courier %.0f msgs/s, raw %.0f msgs/s, ratio %.2f%n", figure,
                    baseline, figure / baseline);
            System.out.println("BENCH name=e2e.rabbitmq.publish figure=" + RabbitMqBench.format(figure)
                    + " unit=msgs/s baseline=" + RabbitMqBench.format(baseline) + " target=ratio>=0.9");
        }
    }
}
