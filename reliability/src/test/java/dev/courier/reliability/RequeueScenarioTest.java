package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6: a handler that always throws, with requeue count 3: handled exactly 4 times, each time at least the
 * requeue delay after the one before, then dead-lettered with headers that say why.
 */
class RequeueScenarioTest {
    private static final Duration DELAY = Duration.ofMillis(Scale.pick(300, 1000));
    private static final int MESSAGES = Scale.pick(5, 20);

    @Test
    void aHandlerThatAlwaysThrowsRunsFourTimesWithEveryDelayHeldThenTheMessageIsDeadLetteredWithItsReason()
            throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig()) {
            Map<java.util.UUID, List<Long>> handlings = new java.util.concurrent.ConcurrentHashMap<>();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class, work -> {
                handlings.computeIfAbsent(work.id(), id -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
                throw new IllegalStateException("always fails: " + work.n());
            });
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(rig.producer)).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .subscription(rig.subscription().performers(2).requeueCount(3).requeueDelay(DELAY).build())
                            .build().start()) {
                for (int i = 0; i < MESSAGES; i++) {
                    rig.processor.post(new Work(Request.newId(), i));
                }
                // At least: a duplicate dead letter fails the count of reasons below, not this wait. On a timeout the
                // error says where the messages are (queues as ready/unacked) and how often each was handled.
                Await.until(Duration.ofSeconds(60), () -> MESSAGES + " dead letters; there are " + rig.deadLetters()
                        + ", handlings per message " + handlings.values().stream().map(List::size).toList()
                        + ", the scenario's queues:" + Services.queuesStartingWith(rig.prefix),
                        () -> rig.deadLetters() >= MESSAGES);
            }
            List<Duration> gaps = new ArrayList<>();
            handlings.values().forEach(times -> {
                for (int i = 1; i < times.size(); i++) {
                    gaps.add(Duration.ofNanos(times.get(i) - times.get(i - 1)));
                }
            });
            List<Map<String, Object>> reasons = new ArrayList<>();
            try (Connection connection = Services.rawConnection(rig.prefix + "-inspect");
                    Channel channel = connection.createChannel()) {
                GetResponse dead;
                while ((dead = channel.basicGet(RabbitMqTransport.deadLetterQueue(rig.topic), true)) != null) {
                    reasons.add(dead.getProps().getHeaders());
                }
            }
            Duration shortest = gaps.stream().min(Duration::compareTo).orElseThrow();
            new Figures("6 always-failing handler, requeueCount 3", MESSAGES, MESSAGES,
                    handlings.values().stream().mapToLong(List::size).sum(), 0, 0, reasons.size(),
                    Duration.ofNanos(System.nanoTime() - started), "handlings per message: "
                            + handlings.values().stream().map(List::size).distinct().toList() + "; configured delay "
                            + DELAY.toMillis() + " ms, shortest measured " + shortest.toMillis() + " ms").report();
            assertThat(handlings).hasSize(MESSAGES).allSatisfy((id, times) -> assertThat(times).hasSize(4));
            assertThat(gaps).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(DELAY));
            assertThat(reasons).hasSize(MESSAGES).allSatisfy(headers -> assertThat(headers)
                    .containsKeys("courier-dead-letter-reason", "courier-dead-letter-detail",
                            "courier-dead-letter-exception-type", "courier-dead-letter-attempts")
                    .satisfies(h -> assertThat(h.get("courier-dead-letter-reason").toString())
                            .isEqualTo("handler-failed"))
                    .satisfies(h -> assertThat(h.get("courier-dead-letter-attempts").toString()).isEqualTo("4"))
                    .satisfies(h -> assertThat(h.get("courier-dead-letter-exception-type").toString())
                            .contains("IllegalStateException")));
        }
    }
}
