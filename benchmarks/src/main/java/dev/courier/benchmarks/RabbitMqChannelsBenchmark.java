package dev.courier.benchmarks;

import dev.courier.HandlerRegistry;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageProducer;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The cost of many subscribed channels: one Dispatcher subscribed to 1, 10, 100 and 1,000 channels (a queue each,
 * one performer each), of which at most 10 are busy. For each count: the JVM's threads, the heap used after a GC,
 * how long the Dispatcher took to start, the busy channels' rate (20,000 JSON commands spread over them, unpaced)
 * and their p99 (publish to handler) paced at 1,000 msgs/s. No baseline: the curve shows how the cost grows with
 * idle channels. Prints {@code CURVE} lines. {@code -Dchannels=1,10,100,1000} picks the counts. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqChannelsBenchmark}.
 */
public final class RabbitMqChannelsBenchmark {
    private static final int BUSY = 10;
    /** {@code -DvirtualThreads=true} (Java 21+): pumps on virtual threads, through Dispatcher.Builder.threadFactory. */
    private static final boolean VIRTUAL = Boolean.getBoolean("virtualThreads");
    private static final String SERIES = VIRTUAL ? "courier-virtual-threads-java" + Runtime.version().feature()
            : "courier-platform-threads-java" + Runtime.version().feature();

    private RabbitMqChannelsBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqChannelsBenchmark::measure);
    }

    private static void measure() throws Exception {
        try (RabbitMqBench bench = new RabbitMqBench()) {
            MessageProducer producer = bench.transport.producer();
            for (String count : System.getProperty("channels", "1,10,100,1000").split(",")) {
                measure(bench, producer, Integer.parseInt(count.trim()));
            }
        }
    }

    private static void measure(RabbitMqBench bench, MessageProducer producer, int count) throws Exception {
        List<String> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            topics.add(bench.prefix + ".n" + count + ".c" + i); // new names: the transport remembers what it declared
        }
        AtomicInteger handled = new AtomicInteger();
        long[][] latencies = {new long[0]};
        CountDownLatch[] done = {new CountDownLatch(0)};
        long[] lastAt = new long[1];
        HandlerRegistry handlers = new HandlerRegistry().register(RabbitMqFullStackBenchmark.Job.class, job -> {
            long now = System.nanoTime();
            int i = handled.getAndIncrement();
            if (i < latencies[0].length) {
                latencies[0][i] = now - job.postedAt();
                lastAt[0] = now;
                done[0].countDown();
            }
        });
        MessageMappers mappers = new MessageMappers().json(RabbitMqFullStackBenchmark.Job.class, topics.get(0));
        try {
            long setup = System.nanoTime();
            Dispatcher.Builder builder = Dispatcher.builder();
            if (VIRTUAL) {
                builder.threadFactory(virtualThreads());
            }
            for (String topic : topics) {
                bench.transport.declareChannel(ChannelSpec.of(topic).withPrefetch(RabbitMqBench.PREFETCH));
                builder.subscription(Subscription.builder(topic, RabbitMqFullStackBenchmark.Job.class)
                        .channel(topic).performers(1).prefetch(RabbitMqBench.PREFETCH).transport(bench.transport)
                        .build());
            }
            double declareSeconds = (System.nanoTime() - setup) / 1e9;
            try (CommandProcessor processor = CommandProcessor.builder().handlers(handlers).mappers(mappers)
                    .producers(dev.courier.Producers.of(producer)).build()) {
                long start = System.nanoTime();
                Dispatcher dispatcher = builder.processor(processor).build().start();
                try {
                    double startSeconds = (System.nanoTime() - start) / 1e9;
                    List<String> busy = topics.subList(0, Math.min(BUSY, count));
                    Post post = new Post(mappers, producer, busy);
                    post.run(2_000, 0, handled, latencies, done, lastAt); // warm-up
                    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
                    double heap = heapMiB();
                    double rate = post.run(20_000, 0, handled, latencies, done, lastAt).rate();
                    double p99 = post.run(3_000, 1_000, handled, latencies, done, lastAt).percentileMillis(0.99);
                    System.out.printf(Locale.ROOT, "%d channel(s): declared in %.1f s, Dispatcher started in %.2f s, "
                            + "%d threads, heap %.1f MiB, busy channels %.0f msgs/s, p99 %.2f ms%n", count,
                            declareSeconds, startSeconds, threads, heap, rate, p99);
                    System.out.printf(Locale.ROOT, "CURVE curve=channels x=%d xlabel=\"subscribed channels (up to %d busy)\" "
                            + "series=%s threads=%d heap-MiB=%.1f start-s=%.2f msgs/s=%.0f p99-ms=%.2f%n", count,
                            BUSY, SERIES, threads, heap, startSeconds, rate, p99);
                } finally {
                    dispatcher.stop(Duration.ofSeconds(30));
                }
            }
        } finally {
            try (com.rabbitmq.client.Channel channel = bench.raw.createChannel()) {
                for (String topic : topics) {
                    channel.queueDelete(topic);
                    channel.queueDelete(dev.courier.transport.rabbitmq.RabbitMqTransport.deadLetterQueue(topic));
                }
            }
        }
    }

    /** {@code Thread.ofVirtual().factory()}, called reflectively: this module compiles for Java 17. */
    private static java.util.concurrent.ThreadFactory virtualThreads() throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        return (java.util.concurrent.ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
                .invoke(builder);
    }

    private static double heapMiB() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least / 1024.0 / 1024.0;
    }

    /** Publishes JSON commands round-robin over the busy channels' topics, with confirms. */
    private record Post(MessageMappers mappers, MessageProducer producer, List<String> topics) {
        RabbitMqBench.Result run(int n, int perSecond, AtomicInteger handled, long[][] latencies,
                CountDownLatch[] done, long[] lastAt) throws Exception {
            handled.set(0);
            latencies[0] = new long[n];
            done[0] = new CountDownLatch(n);
            List<CompletableFuture<Void>> sent = new ArrayList<>(n);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = System.nanoTime();
                if (perSecond > 0) {
                    due = start + (long) (i * (1e9 / perSecond));
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                Message json = mappers.toMessage(new RabbitMqFullStackBenchmark.Job(UUID.randomUUID(), due, "x".repeat(166)),
                        Duration.ZERO, Clock.systemUTC());
                MessageHeader header = MessageHeader.builder(json.id(), topics.get(i % topics.size()),
                        MessageType.COMMAND).bag(Map.of(MessageMappers.TYPE_HEADER,
                        json.header().bag().get(MessageMappers.TYPE_HEADER))).build();
                sent.add(producer.send(new Message(header, MessageBody.wrap(json.body().unsafeBytes(),
                        MessageBody.JSON))));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            if (!done[0].await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + handled.get() + " of " + n + " handled");
            }
            return new RabbitMqBench.Result(n / ((lastAt[0] - start) / 1e9), latencies[0]);
        }
    }
}
