package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ChannelFailureException;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.DeadLetters;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterBrowser;
import dev.courier.spi.DeadLetterEntry;
import dev.courier.spi.DeadLetterFilter;
import dev.courier.spi.DeadLetterQueue;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every transport's {@link DeadLetterQueue} must do, through the operations an operator runs on it
 * ({@link DeadLetters}): list and filter, show, redrive with a fresh attempt count, move, purge, and give back what a
 * browse held. Dead letters are made the way a pump makes them: sent, received and rejected with a reason.
 */
public abstract class DeadLetterContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final List<MessageConsumer> consumers = new ArrayList<>();
    private final Map<String, MessageConsumer> byChannel = new java.util.HashMap<>();
    private TransportFixture fixture;
    private DeadLetterQueue queue;
    private DeadLetters deadLetters;

    /** A fresh fixture for one test; the suite closes it after the test. */
    protected abstract TransportFixture createFixture();

    /** The dead letters of the fixture's transport. */
    protected abstract DeadLetterQueue deadLetterQueue(TransportFixture fixture);

    @BeforeEach
    void open() {
        fixture = createFixture();
        queue = deadLetterQueue(fixture);
        deadLetters = DeadLetters.over(queue);
    }

    @AfterEach
    void close() {
        try {
            consumers.forEach(MessageConsumer::close);
        } finally {
            fixture.close();
        }
    }

    @Test
    void listsOldestFirstFiltersByReasonTypeAndTimeAndPages() {
        ChannelSpec channel = channel("list");
        List<String> failed = deadLetter(channel, 5, "handler-failed", "Greet", T0);
        List<String> rejected = deadLetter(channel, 3, "rejected", "Farewell", T0.plusSeconds(60));
        List<String> unacceptable = deadLetter(channel, 2, "unacceptable", "Greet", T0.plusSeconds(120));

        DeadLetters.Page all = deadLetters.list(channel.channel(), DeadLetterFilter.ALL, 0, 100);
        assertThat(all.total()).isEqualTo(10);
        assertThat(all.matched()).isEqualTo(10);
        assertThat(ids(all.entries())).containsExactlyElementsOf(concat(failed, rejected, unacceptable));

        assertThat(ids(deadLetters.list(channel.channel(), filter().reason("rejected").build(), 0, 100).entries()))
                .containsExactlyElementsOf(rejected);
        assertThat(ids(deadLetters.list(channel.channel(), filter().type("greet").build(), 0, 100).entries()))
                .as("by simple class name, ignoring case").containsExactlyElementsOf(concat(failed, unacceptable));
        assertThat(ids(deadLetters.list(channel.channel(), filter().type("com.example.Farewell").build(), 0, 100)
                .entries())).as("by full class name").containsExactlyElementsOf(rejected);
        assertThat(ids(deadLetters.list(channel.channel(),
                filter().between(T0.plusSeconds(30), T0.plusSeconds(120)).build(), 0, 100).entries()))
                .as("from inclusive, until exclusive").containsExactlyElementsOf(rejected);

        DeadLetters.Page second = deadLetters.list(channel.channel(), filter().type("Greet").build(), 4, 2);
        assertThat(second.matched()).isEqualTo(7);
        assertThat(ids(second.entries())).containsExactly(failed.get(4), unacceptable.get(0));
        awaitCount(channel, 10); // listing takes nothing away (the broker takes back what a browse held, then counts)
    }

    @Test
    void showsOneWithItsReasonAttemptsHeadersAndBody() {
        ChannelSpec channel = channel("show");
        String id = deadLetter(channel, 1, "handler-failed", "Greet", T0).get(0);

        DeadLetterEntry entry = deadLetters.show(channel.channel(), id).orElseThrow();

        assertThat(entry.channel()).isEqualTo(channel.channel());
        assertThat(entry.reason().reason()).isEqualTo("handler-failed");
        assertThat(entry.reason().detail()).isEqualTo("mail gateway down for message 0");
        assertThat(entry.reason().exceptionType()).isEqualTo("java.io.UncheckedIOException");
        assertThat(entry.reason().attempts()).isEqualTo(3);
        assertThat(entry.reason().at()).isEqualTo(T0);
        assertThat(entry.reason().originalTopic()).isEqualTo(channel.topic());
        assertThat(entry.message().header().bag()).containsEntry("tenant", "acme")
                .containsEntry("courier-type", "com.example.Greet");
        assertThat(entry.message().body().bytes()).asString(StandardCharsets.UTF_8).isEqualTo("{\"n\":0}");
        assertThat(entry.redriveCount()).isZero();
        assertThat(deadLetters.show(channel.channel(), UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void redrivesTheMatchingOnesWithAFreshAttemptCountAndARecordAndLeavesTheRest() {
        ChannelSpec channel = channel("redrive");
        MessageConsumer consumer = consumer(channel);
        List<String> failed = deadLetter(channel, consumer, 4, "handler-failed", "Greet", T0);
        List<String> rejected = deadLetter(channel, consumer, 3, "rejected", "Greet", T0);

        DeadLetterFilter handlerFailed = DeadLetterFilter.builder().reason("handler-failed").build();
        DeadLetters.Report report = deadLetters.redrive(channel.channel(), handlerFailed, null,
                DeadLetters.Progress.NONE);

        assertThat(report.read()).isEqualTo(7);
        assertThat(report.taken()).isEqualTo(4);
        List<Message> back = receive(consumer, 4);
        assertThat(back).extracting(m -> m.id().toString()).containsExactlyElementsOf(failed);
        for (Message message : back) {
            assertThat(message.header().handledCount()).as("a fresh attempt count").isZero();
            assertThat(message.header().bag())
                    .containsEntry(DeadLetterEntry.REDRIVE_COUNT, "1")
                    .containsEntry(DeadLetterEntry.REDRIVEN_FROM, channel.channel())
                    .containsEntry(DeadLetterEntry.REDRIVEN_REASON, "handler-failed")
                    .containsEntry("tenant", "acme")
                    .containsKey(DeadLetterEntry.REDRIVEN_AT)
                    .doesNotContainKeys(DeadLetterReason.REASON, DeadLetterReason.DETAIL, DeadLetterReason.ATTEMPTS);
            consumer.acknowledge(message);
        }
        assertThat(ids(deadLetters.list(channel.channel(), DeadLetterFilter.ALL, 0, 100).entries()))
                .as("the others untouched, in order").containsExactlyElementsOf(rejected);
    }

    @Test
    void aMessageThatFailsAgainAfterARedriveIsNotRedrivenTwiceInOnePassAndCountsItsRedrives() {
        ChannelSpec channel = channel("again");
        MessageConsumer consumer = consumer(channel);
        String id = deadLetter(channel, consumer, 1, "handler-failed", "Greet", T0).get(0);

        for (int round = 1; round <= 2; round++) {
            assertThat(deadLetters.redrive(channel.channel(), DeadLetterFilter.ALL, null, DeadLetters.Progress.NONE)
                    .taken()).isEqualTo(1);
            Message back = receive(consumer, 1).get(0);
            assertThat(back.header().bag()).containsEntry(DeadLetterEntry.REDRIVE_COUNT, Integer.toString(round));
            consumer.reject(back, reason("handler-failed", channel.topic(), 0, T0));
            awaitCount(channel, 1);
        }
        DeadLetterEntry entry = deadLetters.show(channel.channel(), id).orElseThrow();
        assertThat(entry.redriveCount()).isEqualTo(2);
    }

    @Test
    void movesToAnotherChannelAndRefusesAMissingOneWithoutLosingTheDeadLetter() {
        ChannelSpec channel = channel("move");
        ChannelSpec parking = channel("move-parking");
        MessageConsumer parked = consumer(parking);
        List<String> ids = deadLetter(channel, 2, "unacceptable", "Greet", T0);

        String missing = channel.channel() + "-nobody";
        assertThatThrownBy(() -> deadLetters.redrive(channel.channel(), DeadLetterFilter.ALL, missing,
                DeadLetters.Progress.NONE))
                .isInstanceOf(ChannelFailureException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining(ids.get(0));
        awaitCount(channel, 2); // nothing lost

        deadLetters.redrive(channel.channel(), DeadLetterFilter.ALL, parking.channel(), DeadLetters.Progress.NONE);

        assertThat(receive(parked, 2)).extracting(m -> m.id().toString()).containsExactlyElementsOf(ids);
        awaitCount(channel, 0);
    }

    @Test
    void purgesOnlyTheMatchingOnes() {
        ChannelSpec channel = channel("purge");
        deadLetter(channel, 3, "unacceptable", "Greet", T0);
        List<String> kept = deadLetter(channel, 2, "handler-failed", "Greet", T0);

        assertThat(deadLetters.purge(channel.channel(), filter().reason("unacceptable").build()).taken())
                .isEqualTo(3);

        assertThat(ids(deadLetters.list(channel.channel(), DeadLetterFilter.ALL, 0, 10).entries()))
                .containsExactlyElementsOf(kept);
    }

    @Test
    void aBrowseHoldsWhatItReadFromOthersAndGivesItBackInOrderWhenClosed() {
        ChannelSpec channel = channel("held");
        List<String> ids = deadLetter(channel, 3, "rejected", "Greet", T0);

        try (DeadLetterBrowser first = queue.browse(channel.channel())) {
            assertThat(first.size()).isEqualTo(3);
            assertThat(first.next().orElseThrow().messageId()).isEqualTo(ids.get(0));
            try (DeadLetterBrowser second = queue.browse(channel.channel())) {
                List<String> seen = new ArrayList<>();
                for (var entry = second.next(); entry.isPresent(); entry = second.next()) {
                    seen.add(entry.get().messageId());
                }
                assertThat(seen).as("the first browse holds the oldest").containsExactly(ids.get(1), ids.get(2));
            }
        }
        assertThat(ids(deadLetters.list(channel.channel(), DeadLetterFilter.ALL, 0, 10).entries()))
                .containsExactlyElementsOf(ids);
    }

    @Test
    void anUnknownChannelIsAClearError() {
        String channel = fixture.uniqueTopic("nobody");
        assertThatThrownBy(() -> deadLetters.count(channel))
                .isInstanceOf(ChannelFailureException.class).hasMessageContaining(channel);
        assertThatThrownBy(() -> deadLetters.list(channel, DeadLetterFilter.ALL, 0, 10))
                .isInstanceOf(ChannelFailureException.class).hasMessageContaining(channel);
    }

    // --- helpers ---

    private static DeadLetterFilter.Builder filter() {
        return DeadLetterFilter.builder();
    }

    private ChannelSpec channel(String base) {
        String topic = fixture.uniqueTopic(base);
        return ChannelSpec.of(topic);
    }

    /** The channel's one consumer (a second one would take a share of the messages). */
    private MessageConsumer consumer(ChannelSpec channel) {
        return byChannel.computeIfAbsent(channel.channel(), c -> {
            MessageConsumer consumer = fixture.transport().createConsumer(channel);
            consumers.add(consumer);
            return consumer;
        });
    }

    private List<String> deadLetter(ChannelSpec channel, int count, String why, String type, Instant at) {
        return deadLetter(channel, consumer(channel), count, why, type, at);
    }

    /** Sends {@code count} messages, receives each and rejects it with {@code why}; returns their ids in order. */
    private List<String> deadLetter(ChannelSpec channel, MessageConsumer consumer, int count, String why,
            String type, Instant at) {
        long before = queue.count(channel.channel());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MessageHeader header = MessageHeader.builder(UUID.randomUUID(), channel.topic(), MessageType.COMMAND)
                    .bag(Map.of("tenant", "acme", "courier-type", "com.example." + type)).build();
            Message message = new Message(header, MessageBody.of(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                    "application/json"));
            fixture.producer().send(message).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
            ids.add(message.id().toString());
        }
        for (Message received : receive(consumer, count)) {
            consumer.reject(received, reason(why, channel.topic(), received.body().bytes()[5] - '0', at));
        }
        awaitCount(channel, before + count);
        return ids;
    }

    private static DeadLetterReason reason(String why, String topic, int n, Instant at) {
        return new DeadLetterReason(why, "mail gateway down for message " + n, "java.io.UncheckedIOException", topic,
                3, at);
    }

    private void awaitCount(ChannelSpec channel, long count) {
        Await.until(TIMEOUT, () -> count + " dead letters on " + channel.channel() + ", found "
                + queue.count(channel.channel()), () -> queue.count(channel.channel()) == count);
    }

    private List<Message> receive(MessageConsumer consumer, int count) {
        List<Message> received = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            fixture.passTime(Duration.ZERO);
            Message message = consumer.receive(Duration.ofMillis(100));
            if (message != null) {
                received.add(message);
            }
        }
        assertThat(received).as("messages received").hasSize(count);
        Set<UUID> distinct = new HashSet<>();
        received.forEach(m -> distinct.add(m.id()));
        assertThat(distinct).as("none twice").hasSize(count);
        return received;
    }

    private static List<String> ids(List<DeadLetterEntry> entries) {
        return entries.stream().map(DeadLetterEntry::messageId).toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
