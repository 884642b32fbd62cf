package dev.courier.transport.inmemory;

import dev.courier.ChannelFailureException;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterBrowser;
import dev.courier.spi.DeadLetterEntry;
import dev.courier.spi.DeadLetterQueue;
import dev.courier.transport.inmemory.internal.ChannelQueue;
import dev.courier.transport.inmemory.internal.DeadLetterShelf;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The broker's dead letters as a {@link DeadLetterQueue}: a browse reads a snapshot of a channel's shelf. */
final class InMemoryDeadLetters implements DeadLetterQueue {
    private final InMemoryBroker broker;

    InMemoryDeadLetters(InMemoryBroker broker) {
        this.broker = broker;
    }

    @Override
    public long count(String channel) {
        return queue(channel).deadLetterShelf().list().size();
    }

    @Override
    public DeadLetterBrowser browse(String channel) {
        DeadLetterShelf shelf = queue(channel).deadLetterShelf();
        List<DeadLetter> snapshot = shelf.list();
        return new DeadLetterBrowser() {
            private final Map<Long, DeadLetter> held = new HashMap<>();
            private int read;

            @Override
            public long size() {
                return snapshot.size();
            }

            @Override
            public Optional<DeadLetterEntry> next() {
                while (read < snapshot.size()) {
                    DeadLetter letter = snapshot.get(read++);
                    // one that another browse took or holds is skipped, as a held RabbitMQ message would be
                    if (shelf.hold(letter)) {
                        held.put((long) read, letter);
                        Message message = letter.message();
                        return Optional.of(new DeadLetterEntry(channel, read, message.id().toString(), message,
                                letter.reason()));
                    }
                }
                return Optional.empty();
            }

            @Override
            public void redrive(DeadLetterEntry entry, String targetChannel) {
                DeadLetter letter = held(entry);
                ChannelQueue target;
                try {
                    target = broker.existing(targetChannel);
                } catch (InMemoryBrokerException e) {
                    throw new ChannelFailureException("Cannot redrive dead letter " + entry.messageId()
                            + " of channel '" + channel + "' to '" + targetChannel + "': " + e.getMessage()
                            + "; it stays a dead letter", e);
                }
                Message message = entry.message();
                target.enqueue(message.withHeader(message.header().toBuilder()
                        .bag(entry.redrivenBag(broker.clock().instant())).handledCount(0).delay(Duration.ZERO)
                        .build()));
                shelf.remove(letter);
                held.remove(entry.position());
            }

            @Override
            public void remove(DeadLetterEntry entry) {
                shelf.remove(held(entry));
                held.remove(entry.position());
            }

            @Override
            public void close() {
                held.values().forEach(shelf::release);
                held.clear();
            }

            private DeadLetter held(DeadLetterEntry entry) {
                DeadLetter letter = held.get(entry.position());
                if (letter == null) {
                    throw new IllegalStateException("Dead letter " + entry.messageId() + " of channel '" + channel
                            + "' is not held by this browse");
                }
                return letter;
            }
        };
    }

    private ChannelQueue queue(String channel) {
        try {
            return broker.existing(channel);
        } catch (InMemoryBrokerException e) {
            throw new ChannelFailureException(e.getMessage(), e);
        }
    }
}
