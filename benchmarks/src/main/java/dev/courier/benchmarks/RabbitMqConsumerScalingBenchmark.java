package dev.courier.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Draining a full queue with 1, 2 and 4 performers, the way an application consumes: a {@link Dispatcher} whose
 * performers map each message's JSON to the command and run its handler, then acknowledge (prefetch 100). Against
 * raw client code doing the same work: one channel per consumer, Jackson reading the same JSON into the same record,
 * the same handler, a manual ack in {@code handleDelivery}. Both sides drain messages that Courier posted (same
 * bodies and headers on the wire). Besides the rate, the client JVM's CPU time per message over the drain (process
 * CPU time from {@code OperatingSystemMXBean}, all threads, the broker not included). Both are taken from the first
 * message handled to the last, on both sides: setting up consumers is not part of a drain's per-message cost.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqConsumerScalingBenchmark}.
 */
public final class RabbitMqConsumerScalingBenchmark {
    private static final String PAYLOAD = "x".repeat(RabbitMqBench.BODY - 90);

    /** Rate and CPU microseconds per message of one drain. */
    private record Drain(double rate, double cpuMicros) {}

    private RabbitMqConsumerScalingBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqConsumerScalingBenchmark::measure);
    }

    private static void measure() throws Exception {
        int n = Integer.getInteger("messages", 20_000);
        int rounds = 4;
        try (RabbitMqBench bench = new RabbitMqBench();
                CommandProcessor poster = CommandProcessor.builder()
                        .mappers(new MessageMappers().json(RabbitMqFullStackBenchmark.Job.class, bench.topic))
                        .producers(Producers.of(bench.transport.producer())).build()) {
            RabbitMqBench.warmUp("drains", () -> { // the JIT, both sides
                drain(bench, poster, true, 1, n / 2);
                drain(bench, poster, false, 1, n / 2);
            });
            int[] counts = {1, 2, 4};
            double[][] courier = new double[counts.length][rounds];
            double[][] raw = new double[counts.length][rounds];
            double[] courierCpu = new double[counts.length];
            double[] rawCpu = new double[counts.length];
            for (int r = 0; r < rounds; r++) { // every count in every round: drift between counts hits both sides
                for (int i = 0; i < counts.length; i++) {
                    int c = r % 2 == 0 ? i : counts.length - 1 - i; // 1, 2, 4, then 4, 2, 1: no count always last
                    boolean courierFirst = (r + c) % 2 == 1; // alternate which side goes first
                    for (boolean side : courierFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                        Drain drain = drain(bench, poster, side, counts[c], n);
                        (side ? courier : raw)[c][r] = drain.rate();
                        (side ? courierCpu : rawCpu)[c] += drain.cpuMicros() / rounds;
                    }
                }
                System.out.printf(Locale.ROOT, "round %d: courier %.0f / %.0f / %.0f msgs/s, raw %.0f / %.0f / %.0f "
                        + "msgs/s with 1 / 2 / 4%n", r + 1, courier[0][r], courier[1][r], courier[2][r], raw[0][r],
                        raw[1][r], raw[2][r]);
            }
            for (int c = 0; c < counts.length; c++) {
                double figure = RabbitMqBench.overall(courier[c]);
                double baseline = RabbitMqBench.overall(raw[c]);
                System.out.printf(Locale.ROOT, "%d performer(s): courier %.0f msgs/s %.1f us cpu/msg, raw %.0f msgs/s "
                        + "%.1f us cpu/msg; rate ratio %.2f, cpu ratio %.2f%n", counts[c], figure, courierCpu[c],
                        baseline, rawCpu[c], figure / baseline, courierCpu[c] / rawCpu[c]);
                System.out.println("BENCH name=e2e.rabbitmq.consume." + counts[c] + " figure="
                        + RabbitMqBench.format(figure) + " unit=msgs/s baseline=" + RabbitMqBench.format(baseline)
                        + " target=ratio>=0.9");
                System.out.println("BENCH name=e2e.rabbitmq.consume." + counts[c] + ".cpu figure="
                        + RabbitMqBench.format(courierCpu[c]) + " unit=us/msg baseline="
                        + RabbitMqBench.format(rawCpu[c]) + " target=ratio<=1.3");
            }
            double fourOverOne = RabbitMqBench.overall(courier[2]) / RabbitMqBench.overall(courier[0]);
            double rawFourOverOne = RabbitMqBench.overall(raw[2]) / RabbitMqBench.overall(raw[0]);
            System.out.println("BENCH name=e2e.rabbitmq.consume.4-over-1 figure=" + RabbitMqBench.format(fourOverOne)
                    + " unit=x baseline=" + RabbitMqBench.format(rawFourOverOne) + " target=figure>=1.0");
        }
    }

    /** Fills the queue with n messages posted by Courier, then times draining them with one side. */
    private static Drain drain(RabbitMqBench bench, CommandProcessor poster, boolean courier, int consumers, int n)
            throws Exception {
        bench.purge();
        List<CompletableFuture<UUID>> posted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            posted.add(poster.postAsync(new RabbitMqFullStackBenchmark.Job(UUID.randomUUID(), i, PAYLOAD))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(posted.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        Handler handler = new Handler(n);
        if (courier) {
            try (CommandProcessor consuming = CommandProcessor.builder()
                    .handlers(new HandlerRegistry().register(RabbitMqFullStackBenchmark.Job.class, handler::handle))
                    .mappers(new MessageMappers().json(RabbitMqFullStackBenchmark.Job.class, bench.topic))
                    .producers(Producers.of(bench.transport.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .subscription(Subscription.builder(bench.topic, RabbitMqFullStackBenchmark.Job.class)
                                    .channel(bench.subscription.channel()).performers(consumers)
                                    .prefetch(RabbitMqBench.PREFETCH).transport(bench.transport).build())
                            .build().start()) {
                Drain drain = handler.await();
                dispatcher.stop(Duration.ofSeconds(10));
                return drain;
            }
        }
        ObjectReader reader = new ObjectMapper().readerFor(RabbitMqFullStackBenchmark.Job.class);
        List<Channel> channels = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Channel channel = bench.raw.createChannel();
            channel.basicQos(RabbitMqBench.PREFETCH);
            channel.basicConsume(bench.subscription.channel(), false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) throws IOException {
                    RabbitMqFullStackBenchmark.Job job = reader.readValue(body);
                    handler.work(job);
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    handler.count(); // after the ack: the drain ends with nothing left unacknowledged
                }
            });
            channels.add(channel);
        }
        Drain drain = handler.await();
        for (Channel channel : channels) {
            channel.close();
        }
        return drain;
    }

    /**
     * The handler both sides run: reads the command's fields and counts it. A drain is timed, and its CPU counted,
     * from the first message handled to the last: starting a Dispatcher (declaring the channel, starting its
     * threads) or opening raw channels is not a per-message cost, and would otherwise weigh on the rate of a drain
     * that lasts under a second.
     */
    private static final class Handler {
        private final int n;
        private final CountDownLatch done;
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicLong sum = new AtomicLong();
        private volatile long firstAt;
        private volatile long cpuAtFirst;
        private volatile long lastAt;

        Handler(int n) {
            this.n = n;
            done = new CountDownLatch(n);
        }

        /** Courier's handler: the work, counted (the Dispatcher acknowledges after it returns). */
        void handle(RabbitMqFullStackBenchmark.Job job) {
            work(job);
            count();
        }

        void work(RabbitMqFullStackBenchmark.Job job) {
            sum.addAndGet(job.postedAt() + job.payload().length());
        }

        void count() {
            int counted = count.incrementAndGet();
            if (counted == 1) {
                cpuAtFirst = RabbitMqBench.processCpuNanos();
                firstAt = System.nanoTime();
            } else if (counted == n) {
                lastAt = System.nanoTime();
            }
            done.countDown();
        }

        /** Rate and CPU per message from the first message handled to the last (n - 1 messages between). */
        Drain await() throws InterruptedException {
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + count.get() + " handled");
            }
            long used = RabbitMqBench.processCpuNanos() - cpuAtFirst;
            return new Drain((n - 1) / ((lastAt - firstAt) / 1e9), used / 1e3 / (n - 1));
        }
    }
}
