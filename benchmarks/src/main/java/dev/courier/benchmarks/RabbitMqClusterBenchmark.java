package dev.courier.benchmarks;

import dev.courier.Producers;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.transport.rabbitmq.QueueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Courier's whole path ({@code postAsync} → JSON → in-memory outbox → publish with confirms → broker → a
 * {@code Dispatcher} with one performer → handler → ack, as {@link RabbitMqFullStackBenchmark} runs it) on three
 * set-ups in one run: the single node with a classic work queue, the single node with a quorum queue, and the
 * three-node cluster of {@code scripts/rabbitmq-cluster.sh} with a quorum queue (replicated to all three). Rounds
 * rotate through the set-ups so that drift on a shared machine hits each; the rate is unpaced, the p99 (post to
 * the handler's entry) comes from runs paced at {@code pacedRate} messages per second.
 * Run (the cluster running): {@code java -cp benchmarks/target/benchmarks.jar
 * dev.courier.benchmarks.RabbitMqClusterBenchmark}; {@code benchmarks/run} starts and stops the cluster around it.
 */
public final class RabbitMqClusterBenchmark {
    static final String CLUSTER_URI = System.getenv().getOrDefault("COURIER_RABBITMQ_CLUSTER_URI",
            "amqp://guest:guest@127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683/%2F");

    private record Setup(String name, String uri, QueueType type) {}

    private RabbitMqClusterBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqClusterBenchmark::measure);
    }

    private static void measure() throws Exception {
        int n = Integer.getInteger("messages", 10_000);
        int paced = Integer.getInteger("pacedRate", 500);
        int rounds = 3;
        List<Setup> setups = List.of(new Setup("single-classic", RabbitMqBench.URI, QueueType.CLASSIC),
                new Setup("single-quorum", RabbitMqBench.URI, QueueType.QUORUM),
                new Setup("cluster-quorum", CLUSTER_URI, QueueType.QUORUM));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<RabbitMqFullStackBenchmark.Courier> sides = new ArrayList<>();
            for (Setup setup : setups) {
                RabbitMqBench bench = new RabbitMqBench(setup.uri(), setup.type());
                open.add(bench);
                CommandProcessor processor = CommandProcessor.builder()
                        .mappers(new MessageMappers().json(RabbitMqFullStackBenchmark.Job.class, bench.topic))
                        .producers(Producers.of(bench.transport.producer())).build();
                open.add(processor);
                sides.add(new RabbitMqFullStackBenchmark.Courier(bench, processor));
            }
            for (RabbitMqFullStackBenchmark.Courier side : sides) { // warm-up: the JIT, and each queue's first use
                side.run(n, 0);
                side.run(paced, paced);
            }
            double[][] rates = new double[setups.size()][rounds];
            List<List<long[]>> latencies = new ArrayList<>();
            setups.forEach(s -> latencies.add(new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                for (int k = 0; k < setups.size(); k++) {
                    int s = (k + r) % setups.size(); // each round starts with the next set-up
                    System.gc();
                    rates[s][r] = sides.get(s).run(n, 0).rate();
                    latencies.get(s).add(sides.get(s).run(2 * paced, paced).latencies());
                    line.append(String.format(Locale.ROOT, " %s %.0f msgs/s", setups.get(s).name(), rates[s][r]));
                }
                System.out.println(line);
            }
            double[] rate = new double[setups.size()];
            double[] p99 = new double[setups.size()];
            for (int s = 0; s < setups.size(); s++) {
                rate[s] = RabbitMqBench.overall(rates[s]);
                p99[s] = RabbitMqBench.pooled(latencies.get(s)).percentileMillis(0.99);
                System.out.printf(Locale.ROOT, "%s: %.0f msgs/s, p99 at %d msgs/s %.2f ms%n", setups.get(s).name(),
                        rate[s], paced, p99[s]);
            }
            // Each set-up against the one before it: quorum against classic on one node, then the cluster against
            // quorum on one node. Reported, no target: what a user pays for replication, measured.
            for (int s = 0; s < setups.size(); s++) {
                String baseline = s == 0 ? "" : " baseline=" + RabbitMqBench.format(rate[s - 1]);
                String p99Baseline = s == 0 ? "" : " baseline=" + RabbitMqBench.format(p99[s - 1]);
                System.out.println("BENCH name=e2e.rabbitmq." + setups.get(s).name() + ".rate figure="
                        + RabbitMqBench.format(rate[s]) + " unit=msgs/s" + baseline + " target=none");
                System.out.println("BENCH name=e2e.rabbitmq." + setups.get(s).name() + ".p99 figure="
                        + RabbitMqBench.format(p99[s]) + " unit=ms" + p99Baseline + " target=none");
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }
}
