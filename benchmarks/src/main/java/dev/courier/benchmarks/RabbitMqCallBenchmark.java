package dev.courier.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.Mailboxes;
import dev.courier.spi.MessageProducer;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code call} round trip over RabbitMQ: a client processor calls a server whose Dispatcher handles the request and
 * replies, against raw amqp-client request-reply with direct reply-to ({@code amq.rabbitmq.reply-to}) doing the same
 * (persistent request with {@code mandatory}, a server consumer that replies and acks), in the same run, one call
 * at a time. Prints p50 and p99 of each, in alternating rounds.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.courier.benchmarks.RabbitMqCallBenchmark}.
 */
public final class RabbitMqCallBenchmark {
    /** The request: a number. */
    public record Ask(UUID id, int number) implements Command {}

    /** The reply. */
    public record Answer(UUID id, UUID correlationId, int number) implements Reply {}

    private static final String URI = System.getenv().getOrDefault("COURIER_RABBITMQ_URI",
            "amqp://guest:guest@127.0.0.1:5672/%2F");

    private RabbitMqCallBenchmark() {}

    public static void main(String[] args) throws Exception {
        int calls = Integer.getInteger("calls", 2000);
        int rounds = 4;
        String prefix = "courier-bench-call-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = prefix + ".ask";
        long[] courier = new long[0];
        long[] raw = new long[0];
        try (RabbitMqTransport transport = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(URI)
                .exchange(prefix).connectionName(prefix).build());
                MessageProducer producer = transport.producer();
                RawRpc rawRpc = new RawRpc(prefix + ".raw")) {
            AtomicReference<CommandProcessor> server = new AtomicReference<>();
            server.set(CommandProcessor.builder()
                    .handlers(new HandlerRegistry().registerContextual(Ask.class,
                            (ask, context) -> server.get().reply(new Answer(Request.newId(), ask.id(), ask.number()),
                                    context)))
                    .mappers(new MessageMappers().json(Ask.class, topic).reply(Answer.class))
                    .producers(Producers.of(producer)).build());
            Dispatcher dispatcher = Dispatcher.builder().processor(server.get())
                    .subscription(Subscription.builder(topic, Ask.class).channel(topic).transport(transport)
                            .receiveTimeout(Duration.ofMillis(200)).build())
                    .build().start();
            try (CommandProcessor client = CommandProcessor.builder()
                    .mappers(new MessageMappers().json(Ask.class, topic).reply(Answer.class))
                    .producers(Producers.of(producer)).replyChannel(transport)
                    .replyAddress(Reply.ADDRESS_PREFIX + prefix).build()) {
                courierRound(client, calls / 4);
                rawRpc.round(calls / 4);
                for (int r = 0; r < rounds; r++) {
                    long[] c;
                    long[] w;
                    if (r % 2 == 0) {
                        c = courierRound(client, calls);
                        w = rawRpc.round(calls);
                    } else {
                        w = rawRpc.round(calls);
                        c = courierRound(client, calls);
                    }
                    System.out.printf(Locale.ROOT, "round %d: p50 courier %.3f raw %.3f ms; p99 courier %.3f raw %.3f ms%n",
                            r + 1, pct(c, 0.5), pct(w, 0.5), pct(c, 0.99), pct(w, 0.99));
                    courier = concat(courier, c);
                    raw = concat(raw, w);
                }
                mailboxes(transport, producer, prefix, calls, courier);
            } finally {
                dispatcher.stop(Duration.ofSeconds(5));
                server.get().close();
                try (Channel channel = rawRpc.connection.createChannel()) {
                    channel.queueDelete(topic);
                    channel.queueDelete(topic + ".dead-letters");
                    channel.queueDelete(Reply.ADDRESS_PREFIX + prefix);
                    channel.queueDelete(Reply.ADDRESS_PREFIX + prefix + ".dead-letters");
                    channel.queueDelete(prefix + ".unroutable");
                    for (String exchange : RabbitMqTransport.declaredExchanges(prefix)) {
                        channel.exchangeDelete(exchange);
                    }
                } catch (IOException | RuntimeException e) {
                    System.err.println("cleanup: " + e);
                }
            }
        }
        System.out.printf(Locale.ROOT, "call round trip: p50 courier %.3f ms raw %.3f ms (ratio %.2f); p99 courier %.3f "
                + "ms raw %.3f ms (ratio %.2f)%n", pct(courier, 0.5), pct(raw, 0.5), pct(courier, 0.5) / pct(raw, 0.5),
                pct(courier, 0.99), pct(raw, 0.99), pct(courier, 0.99) / pct(raw, 0.99));
        System.out.printf(Locale.ROOT, "BENCH name=e2e.rabbitmq.call.p50 figure=%.3f unit=ms baseline=%.3f target=ratio<=1.5%n",
                pct(courier, 0.5), pct(raw, 0.5));
        System.out.printf(Locale.ROOT, "BENCH name=e2e.rabbitmq.call.p99 figure=%.3f unit=ms baseline=%.3f target=none%n",
                pct(courier, 0.99), pct(raw, 0.99));
    }

    /** The mailbox rounds of {@link MailboxRounds}, next to the {@code call} latencies just measured. */
    private static void mailboxes(RabbitMqTransport transport, MessageProducer producer, String prefix, int count,
            long[] calls) throws InterruptedException {
        MessageMappers mappers = new MessageMappers().json(MailboxRounds.Note.class, prefix + ".note");
        String service = prefix + "-mailbox";
        try (CommandProcessor sender = CommandProcessor.builder().mappers(mappers).producers(Producers.of(producer))
                .build();
                Mailboxes mailboxes = Mailboxes.builder(service).transport(transport).mappers(mappers)
                        .prefetch(200, 1).build().start()) {
            MailboxRounds.sequential(sender, mailboxes, count / 4);
            long[] sequential = MailboxRounds.sequential(sender, mailboxes, count);
            MailboxRounds.Concurrent many = MailboxRounds.concurrent(sender, mailboxes, 1_000, 10);
            System.out.printf(Locale.ROOT, "mailbox round trip: p50 %.3f ms p99 %.3f ms (call p50 %.3f p99 %.3f); "
                    + "1000 waiters: p50 %.3f ms p99 %.3f ms, %.0f msg/s%n", pct(sequential, 0.5),
                    pct(sequential, 0.99), pct(calls, 0.5), pct(calls, 0.99), pct(many.latencies(), 0.5),
                    pct(many.latencies(), 0.99), many.perSecond());
            System.out.printf(Locale.ROOT, "BENCH name=e2e.rabbitmq.mailbox.p50 figure=%.3f unit=ms baseline=%.3f "
                    + "target=none%n", pct(sequential, 0.5), pct(calls, 0.5));
            System.out.printf(Locale.ROOT, "BENCH name=e2e.rabbitmq.mailbox.p99 figure=%.3f unit=ms baseline=%.3f "
                    + "target=none%n", pct(sequential, 0.99), pct(calls, 0.99));
            System.out.printf(Locale.ROOT, "BENCH name=e2e.rabbitmq.mailbox.1000-waiters.p50 figure=%.3f unit=ms "
                    + "baseline=%.3f target=none%n", pct(many.latencies(), 0.5), pct(calls, 0.5));
            System.out.printf(Locale.ROOT, "BENCH name=e2e.rabbitmq.mailbox.1000-waiters.p99 figure=%.3f unit=ms "
                    + "baseline=%.3f target=none%n", pct(many.latencies(), 0.99), pct(calls, 0.99));
            System.out.printf(Locale.ROOT, "BENCH name=e2e.rabbitmq.mailbox.1000-waiters.rate figure=%.0f unit=msg/s "
                    + "baseline=%.0f target=none%n", many.perSecond(), 1000 / pct(calls, 0.5));
        } finally {
            transport.deleteChannel("courier.mailbox." + service);
        }
    }

    private static long[] courierRound(CommandProcessor client, int calls) {
        long[] latencies = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            Answer answer = client.call(new Ask(Request.newId(), i), Answer.class, Duration.ofSeconds(10));
            latencies[i] = System.nanoTime() - start;
            if (answer.number() != i) {
                throw new IllegalStateException("wrong answer " + answer.number() + " for " + i);
            }
        }
        return latencies;
    }

    /** Raw request-reply: direct reply-to on the client, a consuming server that replies and acks. */
    private static final class RawRpc implements AutoCloseable {
        final Connection connection;
        final Channel client;
        final Channel server;
        final String queue;
        final BlockingQueue<byte[]> replies = new ArrayBlockingQueue<>(16);

        RawRpc(String queue) throws Exception {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(URI);
            this.connection = factory.newConnection(queue);
            this.queue = queue;
            this.server = connection.createChannel();
            server.queueDeclare(queue, true, false, true, null);
            server.basicQos(20);
            server.confirmSelect();
            server.basicConsume(queue, false, new DefaultConsumer(server) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                        throws IOException {
                    AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
                            .correlationId(props.getCorrelationId()).contentType("application/json").build();
                    getChannel().basicPublish("", props.getReplyTo(), reply, body);
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                }
            });
            this.client = connection.createChannel();
            client.confirmSelect();
            client.basicConsume("amq.rabbitmq.reply-to", true, new DefaultConsumer(client) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    replies.offer(body);
                }
            });
        }

        long[] round(int calls) throws Exception {
            long[] latencies = new long[calls];
            for (int i = 0; i < calls; i++) {
                byte[] body = ("{\"id\":\"" + UUID.randomUUID() + "\",\"number\":" + i + "}").getBytes();
                long start = System.nanoTime();
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                        .correlationId(UUID.randomUUID().toString()).replyTo("amq.rabbitmq.reply-to")
                        .contentType("application/json").build();
                client.basicPublish("", queue, true, props, body);
                if (replies.poll(10, TimeUnit.SECONDS) == null) {
                    throw new IllegalStateException("raw reply timed out");
                }
                latencies[i] = System.nanoTime() - start;
            }
            return latencies;
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }

    private static double pct(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
