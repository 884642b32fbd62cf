package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.DeadLetterReason;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5: 1,000 good messages (short: 200) interleaved with poison published by a raw AMQP client in Courier's
 * wire format: unparseable JSON, an unknown type, a wrong content type, a body over the consumer's size limit (each
 * must be dead-lettered on its first delivery with its reason), and messages with odd headers that carry a valid
 * body: 4,000 headers, CR/LF in a header value, a forged handled count (each must be handled normally, once; the
 * forged count must neither dead-letter early nor change the count). All good messages are handled and the channel
 * keeps RUNNING.
 */
class PoisonMixScenarioTest {
    private static final int GOOD = Scale.pick(200, 1_000);
    private static final int ROUNDS = 5;
    private static final int MAX_BODY = 64 * 1024;
    private static final Map<String, String> POISON_REASONS = Map.of(
            "unparseable-json", "unacceptable",
            "unknown-type", "unacceptable",
            "wrong-content-type", "unacceptable",
            "over-size-limit", "unacceptable");

    @Test
    void poisonIsDeadLetteredOnItsFirstDeliveryWhileEveryGoodMessageIsHandled() throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig()) {
            Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
            Map<UUID, Integer> forgedSeen = new ConcurrentHashMap<>();
            Set<UUID> forged = ConcurrentHashMap.newKeySet();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class, work -> {
                int n = handled.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet();
                if (forged.contains(work.id()) && n == 1) {
                    forgedSeen.put(work.id(), n);
                    throw new IllegalStateException("first handling of a forged-count message fails once");
                }
            });
            Set<UUID> good = ConcurrentHashMap.newKeySet();
            Set<UUID> oddButValid = ConcurrentHashMap.newKeySet();
            Map<String, String> poisonKinds = new HashMap<>(); // message id -> kind
            String typeName = rig.mappers().registration(Work.class).name();
            RabbitMqTransport consumerTransport = RabbitMqTransport.connect(RabbitMqConfig.builder()
                    .uri(Services.RABBITMQ_URI).exchange(rig.exchange).connectionName(rig.prefix + "-consumer")
                    .maxBodySize(MAX_BODY).recoveryInterval(Duration.ofSeconds(1)).build());
            boolean running;
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(consumerTransport.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .subscription(Subscription.builder(rig.topic, Work.class).transport(consumerTransport)
                                    .requeueCount(3).requeueDelay(Duration.ofMillis(200))
                                    .unacceptableLimit(10_000, Duration.ofMinutes(1)).build())
                            .build().start();
                    Connection raw = Services.rawConnection(rig.prefix + "-poisoner");
                    Channel channel = raw.createChannel()) {
                channel.confirmSelect();
                for (int i = 0; i < GOOD; i++) {
                    good.add(rig.processor.post(new Work(Request.newId(), i)));
                    if (i % (GOOD / ROUNDS) == GOOD / ROUNDS / 2) {
                        publishPoison(rig, channel, typeName, i, poisonKinds, oddButValid, forged);
                    }
                }
                channel.waitForConfirmsOrDie(10_000);
                Set<UUID> expected = new java.util.HashSet<>(good);
                expected.addAll(oddButValid);
                Await.until(Duration.ofSeconds(60), "every good and odd-but-valid message handled",
                        () -> handled.keySet().containsAll(expected));
                // a forged-count message fails its first handling; wait for its requeued second one too
                Await.until(Duration.ofSeconds(60), () -> "every forged-count message handled twice: " + forged
                        .stream().map(id -> id + "=" + handled.get(id)).toList(),
                        () -> forged.stream().allMatch(id -> handled.get(id) != null && handled.get(id).get() >= 2));
                Await.until(Duration.ofSeconds(60), "every poison message dead-lettered",
                        () -> rig.deadLetters() >= poisonKinds.size());
                running = dispatcher.state(rig.topic).status() == ChannelState.Status.RUNNING;
            } finally {
                consumerTransport.close();
            }
            Map<String, Map<String, Object>> deadLetters = new LinkedHashMap<>();
            try (Connection connection = Services.rawConnection(rig.prefix + "-inspect");
                    Channel channel = connection.createChannel()) {
                GetResponse dead;
                while ((dead = channel.basicGet(RabbitMqTransport.deadLetterQueue(rig.topic), true)) != null) {
                    deadLetters.put(dead.getProps().getMessageId(), dead.getProps().getHeaders());
                }
            }
            long goodHandled = good.stream().filter(handled::containsKey).count();
            long duplicates = handled.entrySet().stream().filter(e -> !forged.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().get() - 1).sum();
            new Figures("5 poison mix (" + poisonKinds.size() + " poison, " + oddButValid.size()
                    + " odd but valid)", GOOD + poisonKinds.size() + oddButValid.size(), GOOD, goodHandled,
                    GOOD - goodHandled, duplicates, deadLetters.size(), Duration.ofNanos(System.nanoTime() - started),
                    "dead-lettered on first delivery: " + deadLetters.values().stream()
                            .filter(h -> "0".equals(String.valueOf(h.get(DeadLetterReason.ATTEMPTS)))
                                    || "rejected".equals(String.valueOf(h.get("x-first-death-reason")))).count()
                            + " of " + poisonKinds.size() + "; odd headers (2,000 headers, CR/LF value, forged "
                            + "handled count) handled normally: " + oddButValid.stream().filter(handled::containsKey)
                            .count() + " of " + oddButValid.size() + "; channel RUNNING " + running).report();
            assertThat(goodHandled).as("good messages handled").isEqualTo(GOOD);
            assertThat(duplicates).as("duplicate handlings").isZero();
            assertThat(running).as("channel RUNNING").isTrue();
            assertThat(deadLetters.keySet()).as("dead letters").containsExactlyInAnyOrderElementsOf(
                    poisonKinds.keySet());
            deadLetters.forEach((id, headers) -> {
                String kind = poisonKinds.get(id);
                if (kind.equals("over-size-limit")) {
                    // Rejected unread (never held in memory), so the broker dead-lettered it with its own record.
                    assertThat(String.valueOf(headers.get("x-first-death-reason"))).as(kind + " broker reason")
                            .isEqualTo("rejected");
                    return;
                }
                assertThat(String.valueOf(headers.get(DeadLetterReason.REASON))).as(kind + " reason")
                        .isEqualTo(POISON_REASONS.get(kind));
                assertThat(String.valueOf(headers.get(DeadLetterReason.ATTEMPTS))).as(kind + " attempts")
                        .isEqualTo("0"); // no handling before: refused at its first delivery
                assertThat(String.valueOf(headers.get(DeadLetterReason.DETAIL))).as(kind + " detail").isNotBlank();
            });
            // The forged count neither dead-lettered it (it failed once, then was handled) nor was it believed:
            // the failing first handling was handling 1, and it was handled exactly twice.
            assertThat(forged).allSatisfy(id -> {
                assertThat(handled.get(id).get()).as("handlings of forged " + id).isEqualTo(2);
                assertThat(deadLetters).doesNotContainKey(id.toString());
            });
        }
    }

    /** One round of poison and odd-but-valid messages, published raw in Courier's wire format. */
    private static void publishPoison(Rig rig, Channel channel, String typeName, int round,
            Map<String, String> poisonKinds, Set<UUID> oddButValid, Set<UUID> forged) throws Exception {
        publish(rig, channel, poisonKinds, "unparseable-json", typeName, "application/json", Map.of(),
                "{\"id\": not json".getBytes(StandardCharsets.UTF_8));
        publish(rig, channel, poisonKinds, "unknown-type", "NoSuchType", "application/json", Map.of(),
                body(UUID.randomUUID(), round));
        publish(rig, channel, poisonKinds, "wrong-content-type", typeName, "text/plain", Map.of(),
                body(UUID.randomUUID(), round));
        byte[] big = new byte[MAX_BODY * 2];
        java.util.Arrays.fill(big, (byte) ' ');
        byte[] valid = body(UUID.randomUUID(), round);
        System.arraycopy(valid, 0, big, 0, valid.length);
        publish(rig, channel, poisonKinds, "over-size-limit", typeName, "application/json", Map.of(), big);

        Map<String, Object> many = new HashMap<>();
        for (int h = 0; h < 2_000; h++) {
            many.put("x-odd-" + h, "v" + h);
            many.put("odd-" + h, "v" + h);
        }
        publishValid(rig, channel, typeName, many, round, oddButValid);
        publishValid(rig, channel, typeName, Map.of("note", "line one\r\nX-Injected: yes\r\n"), round,
                oddButValid);
        // Registered as forged before it is published: the consumer may handle it before publishRaw returns.
        publishValid(rig, channel, typeName, Map.of("courier-handled-count", 999), round, oddButValid, forged);
    }

    /** Publishes a valid message, adding its id to every set in {@code into} first (the handler reads them). */
    @SafeVarargs
    private static void publishValid(Rig rig, Channel channel, String typeName, Map<String, Object> extra,
            int round, Set<UUID>... into) throws Exception {
        UUID id = UUID.randomUUID();
        for (Set<UUID> set : into) {
            set.add(id);
        }
        publishRaw(rig, channel, id, typeName, "application/json", extra, body(id, round));
    }

    private static void publish(Rig rig, Channel channel, Map<String, String> poisonKinds, String kind,
            String typeName, String contentType, Map<String, Object> extra, byte[] body) throws Exception {
        UUID messageId = UUID.randomUUID();
        poisonKinds.put(messageId.toString(), kind);
        publishRaw(rig, channel, messageId, typeName, contentType, extra, body);
    }

    private static void publishRaw(Rig rig, Channel channel, UUID messageId, String typeName, String contentType,
            Map<String, Object> extra, byte[] body) throws Exception {
        Map<String, Object> headers = new HashMap<>(extra);
        headers.put(MessageMappers.TYPE_HEADER, typeName);
        headers.put("courier-topic", rig.topic);
        headers.put("courier-timestamp", Instant.now().toString());
        channel.basicPublish(rig.exchange, rig.topic, true, new AMQP.BasicProperties.Builder()
                .messageId(messageId.toString()).contentType(contentType).type("COMMAND").deliveryMode(2)
                .timestamp(java.util.Date.from(Instant.now())).headers(headers).build(), body);
    }

    private static byte[] body(UUID id, int n) {
        return ("{\"id\":\"" + id + "\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }
}
