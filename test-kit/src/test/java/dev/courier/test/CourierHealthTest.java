package dev.courier.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.CourierHealth;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.Health;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import dev.courier.spi.Transport;
import dev.courier.store.InMemoryOutbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CourierHealth} over a Dispatcher, an outbox and a sweeper, each part driven into each state. */
class CourierHealthTest {
    record Job(UUID id) implements Command {}

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final InMemoryOutbox outbox = new InMemoryOutbox();

    private Dispatcher dispatcher(Transport transport, String... channels) {
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Job.class, job -> {}))
                .mappers(new MessageMappers().json(Job.class, "jobs")).producers(Producers.of(transport)).build());
        Dispatcher.Builder builder = Dispatcher.builder().processor(processor)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
        for (String channel : channels) {
            builder.subscription(Subscription.builder("jobs", Job.class).channel(channel).transport(transport)
                    .build());
        }
        return courier.closeAfter(builder.build().start());
    }

    private OutboxSweeper sweeper() {
        return courier.closeAfter(OutboxSweeper.builder(outbox, Producers.of(courier.transport()))
                .minAge(Duration.ZERO).clock(clock).build());
    }

    private CourierHealth health(Dispatcher dispatcher, OutboxSweeper sweeper) {
        return CourierHealth.builder().dispatcher(dispatcher).outbox(outbox, 2).sweeper(sweeper, Duration.ofMinutes(1))
                .clock(clock).build();
    }

    private void deposit(int n) {
        deposit(outbox, n);
    }

    private static void deposit(InMemoryOutbox outbox, int n) {
        for (int i = 0; i < n; i++) {
            outbox.add(List.of(new Message(MessageHeader.builder(UUID.randomUUID(), "jobs", MessageType.COMMAND)
                    .build(), MessageBody.json("{}"))), OutboxTransaction.NONE);
        }
    }

    @Test
    void everythingWorkingIsUpAndEachPartIsListed() {
        Dispatcher dispatcher = dispatcher(courier.transport(), "jobs", "jobs.audit");
        OutboxSweeper sweeper = sweeper();
        sweeper.sweep();

        Health health = health(dispatcher, sweeper).check();

        assertThat(health.status()).isEqualTo(Health.Status.UP);
        assertThat(health.summary()).isEqualTo("UP");
        assertThat(health.checks()).extracting(Health.Check::name)
                .containsExactly("channel:jobs", "channel:jobs.audit", "outbox", "sweeper");
        assertThat(health.checks()).allSatisfy(c -> assertThat(c.status()).isEqualTo(Health.Status.UP));
    }

    @Test
    void oneChannelShutIsDegradedAndEveryChannelShutIsDown() {
        Dispatcher dispatcher = dispatcher(courier.transport(), "jobs", "jobs.audit");
        OutboxSweeper sweeper = sweeper();
        sweeper.sweep();
        CourierHealth health = health(dispatcher, sweeper);

        dispatcher.shut("jobs.audit");
        Health one = health.check();
        dispatcher.shut("jobs");
        Health both = health.check();

        assertThat(one.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(one.summary()).contains("channel:jobs.audit DOWN: STOPPED: shut by operator");
        assertThat(both.status()).isEqualTo(Health.Status.DOWN);
    }

    @Test
    void aChannelThatCannotReachItsBrokerIsDownWithTheReasonAndUpOnceItCan() {
        Unreachable transport = new Unreachable(courier.transport());
        Dispatcher dispatcher = dispatcher(transport, "jobs");
        CourierHealth health = CourierHealth.builder().dispatcher(dispatcher).build();

        Health down = health.check();
        transport.reachable = true;
        Await.until(WAIT, () -> "the channel running again: " + health.check().summary(),
                () -> health.check().status() == Health.Status.UP);

        assertThat(down.status()).isEqualTo(Health.Status.DOWN);
        assertThat(down.summary()).contains("channel:jobs DOWN: FAILING").contains("broker unreachable (test)");
    }

    @Test
    void aBacklogOverTheLimitIsDegradedAndAnUnreadableOutboxIsDown() {
        Dispatcher dispatcher = dispatcher(courier.transport(), "jobs");
        OutboxSweeper sweeper = sweeper();
        sweeper.sweep();
        deposit(3);

        Health backlog = health(dispatcher, sweeper).check();
        Health unreadable = CourierHealth.builder().dispatcher(dispatcher).outbox(new Unreadable(), 100).build()
                .check();

        assertThat(backlog.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(backlog.summary()).contains("outbox DEGRADED: 3 message(s) outstanding, more than 2");
        assertThat(unreadable.status()).isEqualTo(Health.Status.DOWN);
        assertThat(unreadable.summary()).contains("outbox DOWN: cannot read the outbox: database down (test)");
    }

    @Test
    void anOutboxWhoseOldestMessageWaitsLongerThanAllowedIsDegradedUntilItIsSent() {
        InMemoryOutbox aging = new InMemoryOutbox(clock, InMemoryOutbox.DEFAULT_MAX_OUTSTANDING);
        CourierHealth health = CourierHealth.builder().outbox(aging, 100, Duration.ofMinutes(5)).clock(clock).build();
        deposit(aging, 1);

        Health fresh = health.check();
        clock.advance(Duration.ofMinutes(6));
        Health stale = health.check();
        aging.markDispatched(List.of(aging.claimOutstanding(clock.instant(), 1, Duration.ofMinutes(1)).get(0).id()),
                clock.instant());
        Health sent = health.check();

        assertThat(fresh.status()).isEqualTo(Health.Status.UP);
        assertThat(fresh.checks().get(0).detail()).isEqualTo("1 message(s) outstanding, the oldest stored 0 ms ago");
        assertThat(stale.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(stale.summary()).contains("outbox DEGRADED: 1 message(s) outstanding, the oldest stored 360000 ms"
                + " ago, more than 300000 ms");
        assertThat(sent.status()).isEqualTo(Health.Status.UP);
        assertThat(sent.checks().get(0).detail()).isEqualTo("0 message(s) outstanding");
    }

    @Test
    void aSweeperSilentLongerThanAllowedIsDegraded() {
        Dispatcher dispatcher = dispatcher(courier.transport(), "jobs");
        OutboxSweeper sweeper = sweeper();
        CourierHealth health = health(dispatcher, sweeper);

        Health beforeAnyPass = health.check();
        clock.advance(Duration.ofMinutes(2));
        Health neverPassed = health.check();
        sweeper.sweep();
        Health passed = health.check();
        clock.advance(Duration.ofSeconds(61));
        Health silent = health.check();

        assertThat(beforeAnyPass.status()).isEqualTo(Health.Status.UP);
        assertThat(neverPassed.summary()).contains("sweeper DEGRADED: no pass has ended yet");
        assertThat(passed.status()).isEqualTo(Health.Status.UP);
        assertThat(silent.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(silent.summary()).contains("sweeper DEGRADED: last pass ended 61000 ms ago, more than 60000 ms");
    }

    /** An outbox whose store does not answer. */
    static final class Unreadable implements Outbox {
        private static IllegalStateException down() {
            return new IllegalStateException("database down (test)");
        }

        @Override
        public void add(Collection<Message> messages, OutboxTransaction transaction) {
            throw down();
        }

        @Override
        public Optional<Message> get(UUID messageId) {
            throw down();
        }

        @Override
        public List<Message> claimOutstanding(Instant createdBefore, int limit, Duration lease) {
            throw down();
        }

        @Override
        public void markDispatched(Collection<UUID> messageIds, Instant at) {
            throw down();
        }

        @Override
        public long outstandingCount() {
            throw down();
        }

        @Override
        public int deleteDispatchedBefore(Instant cutoff) {
            throw down();
        }
    }

    /** A transport whose consumers cannot be made until {@link #reachable} is set. */
    static final class Unreachable implements Transport {
        private final Transport delegate;
        volatile boolean reachable;

        Unreachable(Transport delegate) {
            this.delegate = delegate;
        }

        @Override
        public MessageProducer producer() {
            return delegate.producer();
        }

        @Override
        public MessageConsumer createConsumer(ChannelSpec channel) {
            if (!reachable) {
                throw new IllegalStateException("broker unreachable (test)");
            }
            return delegate.createConsumer(channel);
        }
    }
}
