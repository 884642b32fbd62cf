package dev.courier.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.courier.Request;
import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import dev.courier.transport.rabbitmq.AmqpAddress;
import dev.courier.transport.rabbitmq.QueueType;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Shared set-up for the RabbitMQ end-to-end benchmarks: one Courier transport and one raw amqp-client connection to
 * the same broker, one queue bound to one topic, and the same settings on both sides: persistent 256-byte messages,
 * publisher confirms with an in-flight window of {@link #WINDOW}, {@code mandatory}, manual acks, prefetch
 * {@link #PREFETCH}. Each program prints {@code BENCH} lines (benchmarks/README.md).
 */
final class RabbitMqBench implements AutoCloseable {
    static final int BODY = 256;
    static final int WINDOW = 1000;
    static final int PREFETCH = 100;
    static final String URI = System.getenv().getOrDefault("COURIER_RABBITMQ_URI",
            "amqp://guest:guest@127.0.0.1:5672/%2F");

    record Ping(UUID id) implements Request {}

    /**
     * Messages per second, latencies in nanoseconds (empty when not measured), and the process CPU used while the
     * messages moved: from the first send to the last one handled, without setting up or closing consumers (0 when
     * not measured).
     */
    record Result(double rate, long[] latencies, long cpuNanos) {
        Result(double rate, long[] latencies) {
            this(rate, latencies, 0);
        }

        double percentileMillis(double p) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
                    / 1e6;
        }
    }

    final String prefix = "courier-bench-" + UUID.randomUUID().toString().substring(0, 8);
    final String topic = prefix + ".work";
    final RabbitMqTransport transport;
    final Connection raw;
    final ChannelSpec subscription;

    RabbitMqBench() throws Exception {
        this(URI, QueueType.CLASSIC);
    }

    /**
     * A bench on the broker or cluster at {@code uri} (several hosts allowed) whose work queue is of {@code type};
     * the raw connection goes to the first host.
     */
    RabbitMqBench(String uri, QueueType type) throws Exception {
        transport = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(uri).exchange(prefix)
                .defaultQueueType(type).confirmWindow(WINDOW).connectionName(prefix).build());
        subscription = ChannelSpec.of(topic).withPrefetch(PREFETCH);
        transport.declareChannel(subscription);
        AmqpAddress first = transport.config().addresses().get(0);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(first.host());
        factory.setPort(first.port());
        factory.setVirtualHost(first.virtualHost());
        factory.setUsername(first.username());
        factory.setPassword(first.password());
        raw = factory.newConnection(prefix + "-raw");
    }

    static byte[] body(long stamp) {
        byte[] body = new byte[BODY];
        ByteBuffer.wrap(body).putLong(stamp);
        return body;
    }

    static long stamp(byte[] body) {
        return ByteBuffer.wrap(body).getLong();
    }

    Message courierMessage(long stamp) {
        return new Message(MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND).build(),
                MessageBody.wrap(body(stamp), "application/octet-stream"));
    }

    /**
     * What the raw side puts in a message and how it reads the send time back: {@link #FIXED} is a 256-byte body with
     * the time in its first eight bytes; the full-stack benchmark's raw side writes and reads JSON instead, as
     * hand-written application code would.
     */
    interface RawCodec {
        byte[] body(long stamp) throws IOException;

        long stamp(byte[] body) throws IOException;

        String contentType();
    }

    static final RawCodec FIXED = new RawCodec() {
        @Override
        public byte[] body(long stamp) {
            return RabbitMqBench.body(stamp);
        }

        @Override
        public long stamp(byte[] body) {
            return RabbitMqBench.stamp(body);
        }

        @Override
        public String contentType() {
            return "application/octet-stream";
        }
    };

    /** With -DrawHeaders=true the raw side also carries Courier's headers (to separate wire size from code). */
    static final boolean RAW_HEADERS = Boolean.getBoolean("rawHeaders");

    AMQP.BasicProperties rawProperties(String contentType) {
        AMQP.BasicProperties.Builder builder = new AMQP.BasicProperties.Builder()
                .messageId(UUID.randomUUID().toString()).deliveryMode(2).contentType(contentType);
        if (RAW_HEADERS) {
            java.time.Instant now = java.time.Instant.now();
            builder.type("COMMAND").timestamp(java.util.Date.from(now))
                    .headers(java.util.Map.of("courier-timestamp", now.toString())); // the topic is the routing key
        }
        return builder.build();
    }

    /** Publishes n messages through Courier, paced at {@code perSecond} (0 = as fast as confirms allow). */
    double courierPublish(MessageProducer producer, int n, int perSecond) throws InterruptedException {
        CountDownLatch confirmed = new CountDownLatch(n);
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            producer.send(courierMessage(pace(start, i, perSecond))).whenComplete((ok, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                confirmed.countDown();
            });
        }
        confirmed.await(5, TimeUnit.MINUTES);
        return check(n, failed, start);
    }

    /** The same with the raw client: a channel in confirm mode, a semaphore as the window, async confirm listener. */
    double rawPublish(int n, int perSecond) throws Exception {
        return rawPublish(n, perSecond, FIXED);
    }

    /** The same with the bodies of {@code codec}. */
    double rawPublish(int n, int perSecond, RawCodec codec) throws Exception {
        try (Channel channel = raw.createChannel()) {
            channel.confirmSelect();
            Semaphore window = new Semaphore(WINDOW);
            ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
            CountDownLatch confirmed = new CountDownLatch(n);
            AtomicInteger failed = new AtomicInteger();
            channel.addReturnListener(r -> failed.incrementAndGet());
            channel.addConfirmListener((tag, multiple) -> settle(outstanding, tag, multiple, window, confirmed),
                    (tag, multiple) -> {
                        failed.incrementAndGet();
                        settle(outstanding, tag, multiple, window, confirmed);
                    });
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = pace(start, i, perSecond);
                window.acquire();
                outstanding.add(channel.getNextPublishSeqNo());
                channel.basicPublish(prefix, topic, true, rawProperties(codec.contentType()), codec.body(due));
            }
            confirmed.await(5, TimeUnit.MINUTES);
            return check(n, failed, start);
        }
    }

    private static void settle(ConcurrentSkipListSet<Long> outstanding, long tag, boolean multiple, Semaphore window,
            CountDownLatch confirmed) {
        int count = 0;
        if (multiple) {
            var head = outstanding.headSet(tag, true);
            count = head.size();
            head.clear();
        } else if (outstanding.remove(tag)) {
            count = 1;
        }
        window.release(count);
        for (int i = 0; i < count; i++) {
            confirmed.countDown();
        }
    }

    private static double check(int n, AtomicInteger failed, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + n + " sends failed");
        }
        return n / seconds;
    }

    /**
     * Waits until message {@code i} is due at {@code perSecond} (0: not paced) and returns when it was due (now, when
     * not paced). Latency counts from that time, not from when the send started: a stall that delays the messages
     * behind it shows in their latencies (no coordinated omission).
     */
    private static long pace(long start, int i, int perSecond) {
        if (perSecond <= 0) {
            return System.nanoTime();
        }
        long due = start + (long) (i * (1e9 / perSecond));
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        return due;
    }

    /** Starts {@code consumers} Courier consumers, each on a pump thread: receive, record latency, acknowledge. */
    Draining courierConsume(int consumers, int n) {
        Draining draining = new Draining(n);
        for (int c = 0; c < consumers; c++) {
            MessageConsumer consumer = transport.createConsumer(subscription);
            Thread pump = new Thread(() -> {
                try (consumer) {
                    while (draining.done.getCount() > 0) {
                        Message m = consumer.receive(java.time.Duration.ofMillis(100));
                        if (m != null) {
                            long latency = System.nanoTime() - stamp(m.body().unsafeBytes());
                            consumer.acknowledge(m);
                            draining.record(latency);
                        }
                    }
                }
            }, "bench-courier-pump-" + c);
            pump.start();
            draining.pumps.add(pump);
        }
        return draining;
    }

    /** The same with the raw client: one channel per consumer, acking in handleDelivery. */
    Draining rawConsume(int consumers, int n) throws IOException {
        return rawConsume(consumers, n, FIXED);
    }

    /** The same reading the bodies with {@code codec}. */
    Draining rawConsume(int consumers, int n, RawCodec codec) throws IOException {
        Draining draining = new Draining(n);
        for (int c = 0; c < consumers; c++) {
            Channel channel = raw.createChannel();
            channel.basicQos(PREFETCH);
            channel.basicConsume(subscription.channel(), false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) throws IOException {
                    long latency = System.nanoTime() - codec.stamp(body);
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    draining.record(latency);
                }
            });
            draining.channels.add(channel);
        }
        return draining;
    }

    /** Counts acknowledged messages and records their latencies. */
    static final class Draining {
        final CountDownLatch done;
        final long[] latencies;
        final AtomicInteger count = new AtomicInteger();
        final List<Channel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Thread> pumps = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile long firstAt;
        volatile long lastAt;

        Draining(int n) {
            done = new CountDownLatch(n);
            latencies = new long[n];
        }

        void record(long latency) {
            int i = count.getAndIncrement();
            if (i < latencies.length) {
                latencies[i] = latency;
                lastAt = System.nanoTime();
                done.countDown();
            }
        }

        /** Waits for every message, without measuring CPU (the result's CPU reads 0). */
        Result await(long start) throws InterruptedException {
            return await(start, -1);
        }

        /** Waits for every message; {@code cpuAtStart} is the process CPU when the first was sent (see Result). */
        Result await(long start, long cpuAtStart) throws InterruptedException {
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + count.get() + " of " + latencies.length + " consumed");
            }
            long cpu = cpuAtStart < 0 ? 0 : processCpuNanos() - cpuAtStart;
            Result result = new Result(latencies.length / ((lastAt - start) / 1e9), latencies, cpu);
            for (Thread pump : pumps) {
                pump.join();
            }
            for (Channel channel : channels) {
                try {
                    if (channel.isOpen()) {
                        channel.close();
                    }
                } catch (Exception e) {
                    // already closed
                }
            }
            return result;
        }
    }

    void purge() throws IOException {
        try (Channel channel = raw.createChannel()) {
            channel.queuePurge(subscription.channel());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    interface Measurement {
        void run() throws Exception;
    }

    /** Most warm-up rounds {@link #warmUp} runs before it gives up waiting for the JIT to settle. */
    static final int MAX_WARM_UP_ROUNDS = Integer.getInteger("maxWarmUpRounds", 12);

    /**
     * Runs {@code round} (one pass of every side) until the JIT has settled: at least twice, then until a round
     * spends under 50 ms compiling (HotSpot's total compilation time), at most {@link #MAX_WARM_UP_ROUNDS} times;
     * prints how many rounds it took. A fixed two rounds left the JIT compiling through the measured rounds on a
     * slow machine (Courier's path is longer than raw's and takes longer to compile: C2's CPU was about 12 us of the
     * ~42 us per message measured for Courier, 5 us for raw), and that compile time was counted as CPU per message.
     */
    static void warmUp(String what, Measurement round) throws Exception {
        long compiled = 0;
        int rounds = 0;
        while (rounds < MAX_WARM_UP_ROUNDS) {
            long before = compilationMillis();
            round.run();
            rounds++;
            compiled = compilationMillis() - before;
            if (rounds >= 2 && compiled < 50) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d warm-up round(s), the last compiling for %d ms%n", what, rounds,
                compiled);
    }

    /**
     * Waits, up to two seconds, until HotSpot's compiler threads have been idle for 50 ms (no clock tick of CPU in
     * {@code /proc/self/task}; returns at once where that cannot be read). A run that starts a Dispatcher or a raw
     * consumer calls it after the start and before it marks its CPU, so that compiling the start's own code (which
     * the CPU per message leaves out) in the background is not counted in the run. Compiling that the run's own
     * messages set off still is: 35 to 209 ms over the unpaced runs of Courier's side with four performers, from one
     * run of the program to the next, before and after this wait came in.
     */
    static void awaitQuietCompilers() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long ticks = ThreadCpu.compilerTicks();
        while (ticks >= 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            long now = ThreadCpu.compilerTicks();
            if (now == ticks) {
                return;
            }
            ticks = now;
        }
    }

    /** HotSpot's total compilation time so far, in milliseconds (JIT threads, all tiers); 0 where not monitored. */
    static long compilationMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** Runs a program and exits: the client's connection threads would otherwise keep a failed run alive. */
    static void exitAfter(Measurement measurement) {
        int status = 0;
        try {
            measurement.run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /** The CPU time this JVM used so far (every thread), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * Overall rate of rounds that each moved the same number of messages: total messages over total time (the
     * harmonic mean). Rounds alternate between Courier and the raw client, so drift on a shared machine hits both.
     */
    static double overall(double[] rates) {
        double seconds = 0;
        for (double rate : rates) {
            seconds += 1 / rate;
        }
        return rates.length / seconds;
    }

    /** Several runs' latencies together, so one noisy run on a shared machine weighs what its samples weigh. */
    static Result pooled(List<long[]> runs) {
        return new Result(0, runs.stream().flatMapToLong(Arrays::stream).toArray());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @Override
    public void close() throws Exception {
        try (Channel channel = raw.createChannel()) {
            for (String queue : List.of(topic, RabbitMqTransport.deadLetterQueue(topic), prefix + ".unroutable")) {
                channel.queueDelete(queue);
            }
            for (String exchange : RabbitMqTransport.declaredExchanges(prefix)) {
                channel.exchangeDelete(exchange);
            }
        }
        raw.close();
        transport.close();
    }
}
