package dev.courier.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.store.InMemoryOutbox;
import dev.courier.test.Await;
import dev.courier.test.InMemoryCourier;
import dev.courier.test.RecordingProducer;
import dev.courier.test.SettableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The meters {@link CourierMetrics} records for a known run on the in-memory transport, read from a registry. */
class CourierMetricsTest {
    record Job(UUID id, String kind) implements Command {}

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration REQUEUE_DELAY = Duration.ofSeconds(1);

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();

    /** ok: handled; flaky: fails its first handling; doomed: always fails. */
    private void handle(Job job) {
        int attempt = attempts.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
        if (job.kind().equals("doomed") || (job.kind().equals("flaky") && attempt == 1)) {
            throw new IllegalStateException(job.kind() + " attempt " + attempt);
        }
    }

    private double count(String name, String... tags) {
        return RequiredSearch.in(registry).name(name).tags(tags).counter().count();
    }

    private long timed(String name, String... tags) {
        return RequiredSearch.in(registry).name(name).tags(tags).timer().count();
    }

    private double gauge(String name, String... tags) {
        return RequiredSearch.in(registry).name(name).tags(tags).gauge().value();
    }

    @Test
    void aRunOfPostsHandlingsRequeuesAndADeadLetterIsCountedAndTimed() {
        InMemoryOutbox outbox = new InMemoryOutbox();
        CourierMetrics metrics = CourierMetrics.builder(registry).outbox(outbox).build();
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().listener(metrics).outbox(outbox)
                .handlers(new HandlerRegistry().register(Job.class, this::handle))
                .mappers(new MessageMappers().json(Job.class, "jobs"))
                .producers(Producers.of(courier.transport())).build());
        Dispatcher dispatcher = courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("jobs", Job.class).transport(courier.transport())
                        .requeueCount(1).requeueDelay(REQUEUE_DELAY).build())
                .build().start());
        for (String kind : new String[] {"ok", "flaky", "doomed"}) {
            processor.post(new Job(Request.newId(), kind));
        }
        processor.send(new Job(Request.newId(), "ok"));
        assertThatThrownBy(() -> processor.send(new Job(Request.newId(), "doomed")))
                .isInstanceOf(IllegalStateException.class);

        Await.until(WAIT, () -> "two requeued", () -> courier.delayed("jobs") == 2);
        courier.broker().advanceClock(REQUEUE_DELAY);
        Await.until(WAIT, () -> "every message settled: " + registry.getMeters().size() + " meters",
                () -> registry.find(CourierMetrics.CONSUMER_MESSAGES).tags("event", "acknowledged").counter() != null
                        && count(CourierMetrics.CONSUMER_MESSAGES, "event", "acknowledged") == 2
                        && registry.find(CourierMetrics.DEAD_LETTERS).counter() != null);
        dispatcher.stop(WAIT);

        assertThat(count(CourierMetrics.OUTBOX_MESSAGES, "topic", "jobs", "event", "deposited")).isEqualTo(3);
        assertThat(count(CourierMetrics.OUTBOX_MESSAGES, "topic", "jobs", "event", "dispatched")).isEqualTo(3);
        assertThat(count(CourierMetrics.CONSUMER_MESSAGES, "channel", "jobs", "event", "received")).isEqualTo(5);
        assertThat(count(CourierMetrics.CONSUMER_MESSAGES, "channel", "jobs", "event", "requeued")).isEqualTo(2);
        assertThat(count(CourierMetrics.CONSUMER_MESSAGES, "channel", "jobs", "event", "dead-lettered"))
                .isEqualTo(1);
        assertThat(count(CourierMetrics.DEAD_LETTERS, "channel", "jobs", "reason", "handler-failed")).isEqualTo(1);
        assertThat(timed(CourierMetrics.HANDLING, "channel", "jobs", "outcome", "success")).isEqualTo(2);
        assertThat(timed(CourierMetrics.HANDLING, "channel", "jobs", "outcome", "failure")).isEqualTo(3);
        assertThat(timed(CourierMetrics.END_TO_END, "channel", "jobs")).isEqualTo(2);
        assertThat(timed(CourierMetrics.IN_PROCESS, "type", "Job", "outcome", "success")).isEqualTo(1);
        assertThat(timed(CourierMetrics.IN_PROCESS, "type", "Job", "outcome", "failure")).isEqualTo(1);
        assertThat(gauge(CourierMetrics.IN_FLIGHT, "channel", "jobs")).isZero();
        assertThat(gauge(CourierMetrics.OUTBOX_OUTSTANDING)).isZero();
    }

    @Test
    void aFailedSendShowsInTheOutboxGaugesUntilTheSweeperSendsIt() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox outbox = new InMemoryOutbox(clock, InMemoryOutbox.DEFAULT_MAX_OUTSTANDING);
        CourierMetrics metrics = CourierMetrics.builder(registry).outbox(outbox).clock(clock).build();
        RecordingProducer producer = new RecordingProducer().mode(RecordingProducer.Mode.FAIL);
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().listener(metrics).outbox(outbox)
                .mappers(new MessageMappers().json(Job.class, "jobs")).producers(Producers.of(producer)).build());

        assertThatThrownBy(() -> processor.post(new Job(Request.newId(), "ok")));
        assertThat(count(CourierMetrics.OUTBOX_MESSAGES, "event", "not-dispatched")).isEqualTo(1);
        assertThat(gauge(CourierMetrics.OUTBOX_OUTSTANDING)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        assertThat(gauge(CourierMetrics.OUTBOX_OLDEST_AGE)).isEqualTo(30.0);

        producer.mode(RecordingProducer.Mode.CONFIRM);
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(producer)).minAge(Duration.ZERO)
                .listener(metrics).build()) {
            sweeper.sweep();
        }
        assertThat(gauge(CourierMetrics.OUTBOX_OUTSTANDING)).isZero();
        assertThat(gauge(CourierMetrics.OUTBOX_OLDEST_AGE)).isZero();
        assertThat(count(CourierMetrics.SWEEPS)).isEqualTo(1);
        assertThat(count(CourierMetrics.SWEPT, "outcome", "sent")).isEqualTo(1);
        assertThat(count(CourierMetrics.SWEPT, "outcome", "failed")).isZero();
        assertThat(count(CourierMetrics.OUTBOX_MESSAGES, "event", "dispatched")).isEqualTo(1);
    }

    @Test
    void noTagCarriesAMessageId() {
        CourierMetrics metrics = CourierMetrics.of(registry);
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().listener(metrics)
                .handlers(new HandlerRegistry().register(Job.class, this::handle))
                .mappers(new MessageMappers().json(Job.class, "jobs"))
                .producers(Producers.of(courier.transport())).build());
        courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("jobs", Job.class).transport(courier.transport()).build())
                .build().start());
        processor.post(new Job(Request.newId(), "ok"));
        courier.broker().awaitAcknowledged("jobs", 1, WAIT);
        int afterOne = registry.getMeters().size();
        for (int i = 0; i < 20; i++) {
            processor.post(new Job(Request.newId(), "ok"));
        }
        courier.broker().awaitAcknowledged("jobs", 21, WAIT);

        assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                .allSatisfy(tag -> assertThat(tag.getValue()).doesNotMatch(".*[0-9a-f]{8}-[0-9a-f]{4}-.*")));
        assertThat(registry.getMeters()).as("meters after 21 messages").hasSize(afterOne);
    }
}
