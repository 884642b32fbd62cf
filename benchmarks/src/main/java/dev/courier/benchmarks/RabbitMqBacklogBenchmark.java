package dev.courier.benchmarks;

import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backlog: 1,000,000 JSON commands (about 256 bytes each) queued by a raw publisher with confirms before any
 * consumer runs, then drained by a Dispatcher with one performer (prefetch 100) that maps each to the record, runs
 * the handler and acknowledges it. For each tenth of the backlog: the drain rate over that tenth and the consumer
 * JVM's heap after a GC (taken on a sampler thread while the pump keeps going). Flat is the aim: the consumer holds
 * at most the prefetch, whatever waits in the queue. Prints {@code CURVE} lines; {@code -Dbacklog=N} changes the
 * size. Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqBacklogBenchmark}.
 */
public final class RabbitMqBacklogBenchmark {
    private RabbitMqBacklogBenchmark() {}

    public static void main(String[] args) {
        RabbitMqBench.exitAfter(RabbitMqBacklogBenchmark::measure);
    }

    private static void measure() throws Exception {
        int n = Integer.getInteger("backlog", 1_000_000);
        int step = n / 10;
        try (RabbitMqBench bench = new RabbitMqBench()) {
            long fill = System.nanoTime();
            bench.rawPublish(n, 0, RabbitMqFullStackBenchmark.JSON_JOBS);
            System.out.printf(Locale.ROOT, "backlog: %d messages queued in %.1f s%n", n,
                    (System.nanoTime() - fill) / 1e9);
            AtomicLong handled = new AtomicLong();
            long[] stepAt = new long[11];
            CountDownLatch[] steps = new CountDownLatch[11];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = new CountDownLatch(1);
            }
            HandlerRegistry handlers = new HandlerRegistry().register(RabbitMqFullStackBenchmark.Job.class, job -> {
                long count = handled.incrementAndGet();
                if (count % step == 0 && count / step <= 10) {
                    stepAt[(int) (count / step)] = System.nanoTime();
                    steps[(int) (count / step)].countDown();
                }
            });
            try (CommandProcessor processor = CommandProcessor.builder().handlers(handlers)
                    .mappers(new MessageMappers().json(RabbitMqFullStackBenchmark.Job.class, bench.topic))
                    .producers(Producers.of(bench.transport.producer())).build()) {
                stepAt[0] = System.nanoTime();
                steps[0].countDown();
                Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                        .subscription(Subscription.builder(bench.topic, RabbitMqFullStackBenchmark.Job.class)
                                .channel(bench.subscription.channel()).performers(1).prefetch(RabbitMqBench.PREFETCH)
                                .transport(bench.transport).build())
                        .build().start();
                try {
                    for (int i = 1; i <= 10; i++) {
                        if (!steps[i].await(10, TimeUnit.MINUTES)) {
                            throw new IllegalStateException("only " + handled.get() + " of " + n + " drained");
                        }
                        double rate = step / ((stepAt[i] - stepAt[i - 1]) / 1e9);
                        double heap = heapMiB();
                        System.out.printf(Locale.ROOT, "CURVE curve=backlog x=%d xlabel=\"messages drained (of %d "
                                + "queued)\" series=courier msgs/s=%.0f heap-MiB=%.1f%n", (long) i * step, n, rate,
                                heap);
                    }
                } finally {
                    dispatcher.stop(Duration.ofSeconds(30));
                }
            }
        }
    }

    /** Used heap after a GC, in MiB. */
    private static double heapMiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024.0 / 1024.0;
    }
}
