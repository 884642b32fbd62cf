package dev.courier.runtime;

import dev.courier.MailboxAddress;
import dev.courier.MailboxTimeoutException;
import dev.courier.Request;
import dev.courier.internal.MailboxDelivery;
import dev.courier.internal.MailboxReaders;
import dev.courier.internal.MailboxWaits;
import dev.courier.mapping.MessageMappers;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MailboxStore;
import dev.courier.spi.Transport;
import dev.courier.store.InMemoryMailboxStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A process's mailbox service (docs/mailboxes.md): messages addressed {@code service/recipient}
 * ({@link CommandProcessor#enqueue}) reach it on its durable channel {@code courier.mailbox.<service>}, and wait in
 * its {@link MailboxStore}, sorted by recipient and type, until a {@link #dequeue} or {@link #waitAny} takes them; a
 * dequeue finding none waits until one arrives or its timeout passes. A recipient may instead be served by a
 * callback ({@link #addRecipient}); a message for a removed one is ignored and counted.
 *
 * <pre>{@code
 * Mailboxes mailboxes = Mailboxes.builder("billing").transport(rabbit).mappers(mappers)
 *         .store(JdbcMailboxStore.builder(dataSource).build()).build().start();
 * JobDone done = mailboxes.dequeue("job-42", JobDone.class, Duration.ofMinutes(5));
 * }</pre>
 */
public final class Mailboxes implements AutoCloseable {
    private final String service;
    private final MailboxStore store;
    private final MessageMappers mappers;
    private final int performers;
    private final Duration pollInterval;
    private final MailboxWaits waits = new MailboxWaits();
    private final MailboxDelivery delivery;
    private final MailboxReaders readers;
    private final Map<String, Integer> waiting = new ConcurrentHashMap<>();

    private Mailboxes(Builder b) {
        this.service = b.service;
        this.store = b.store;
        this.mappers = b.mappers;
        this.performers = b.performers;
        this.pollInterval = b.pollInterval;
        this.delivery = new MailboxDelivery(service, store, mappers, waits, b.callbackTransaction,
                b.deadLetterRemoved, b.clock);
        String topic = new MailboxAddress(service, "-").topic();
        this.readers = new MailboxReaders(service, b.transport, new ChannelSpec(topic, topic, b.prefetch), delivery);
    }

    /** A mailbox service named {@code service}: its address, stable across restarts of the process. */
    public static Builder builder(String service) {
        return new Builder(service);
    }

    /**
     * Starts reading the service's channel, declaring it, so that messages sent from now on are kept. A broker that
     * cannot be reached just now is tried again every second.
     */
    public Mailboxes start() {
        readers.start(performers);
        return this;
    }

    /** The address of {@code recipient} in this service, for a sender: {@code service/recipient}. */
    public MailboxAddress address(String recipient) {
        return new MailboxAddress(service, recipient);
    }

    /**
     * Takes the next message of {@code type} for {@code recipient}, waiting up to {@code timeout} for one to arrive.
     * A message of another type for the same recipient is left for its own dequeue. Inside the caller's transaction
     * when the store joins one: a rollback puts the message back.
     *
     * @throws MailboxTimeoutException naming the recipient and the type when none arrived in time
     */
    public <T extends Request> T dequeue(String recipient, Class<T> type, Duration timeout) {
        return type.cast(waitAny(recipient, timeout, List.of(type)));
    }

    /** The next message of {@code type} for {@code recipient} if one is kept now; never waits. */
    public <T extends Request> Optional<T> tryDequeue(String recipient, Class<T> type) {
        return take(address(recipient), names(List.of(type))).map(type::cast);
    }

    /**
     * Takes whichever message of {@code types} for {@code recipient} is there first (the oldest, if several are),
     * waiting up to {@code timeout}; the caller tells them apart with {@code instanceof} or a switch.
     *
     * @throws MailboxTimeoutException naming the recipient and the types when none arrived in time
     */
    public Request waitAny(String recipient, Duration timeout, List<? extends Class<? extends Request>> types) {
        MailboxAddress address = address(recipient);
        Objects.requireNonNull(timeout, "timeout");
        if (types.isEmpty()) {
            throw new IllegalArgumentException("waitAny needs at least one type");
        }
        Set<String> names = names(types);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = waits.version(recipient);
            Optional<Request> taken = take(address, names);
            if (taken.isPresent()) {
                return taken.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                throw new MailboxTimeoutException(address, names, timeout);
            }
            // Woken by an arrival here; a store shared with other processes is looked at again every pollInterval.
            waiting.merge(recipient, 1, Integer::sum);
            try {
                waits.awaitAfter(recipient, seen, Math.min(left, pollInterval.toNanos()));
            } finally {
                waiting.computeIfPresent(recipient, (r, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private Optional<Request> take(MailboxAddress address, Set<String> names) {
        return store.take(address.recipient(), names).map(message -> {
            try {
                return mappers.toRequest(message, mappers.types());
            } catch (RuntimeException e) { // mapped on arrival, so only a mapper changed since: keep the message
                store.put(address.recipient(), message.header().bag().get(MessageMappers.TYPE_HEADER), message);
                throw e;
            }
        });
    }

    /** How many dequeues of this process wait for {@code recipient} just now. */
    public int waiting(String recipient) {
        return waiting.getOrDefault(recipient, 0);
    }

    private Set<String> names(List<? extends Class<? extends Request>> types) {
        Set<String> names = new LinkedHashSet<>();
        for (Class<? extends Request> type : types) {
            names.add(mappers.registration(type).name());
        }
        return names;
    }

    /**
     * Serves {@code recipientId} with a callback: its messages of {@code type} run {@code callback} on the service's
     * thread (in the callback transaction, if the builder set one) instead of waiting for a dequeue; messages of
     * other types are kept for a dequeue as usual. Register a per-request id before sending the request whose answer
     * it takes, and remove it on the answer or a timeout.
     */
    public <T extends Request> void addRecipient(String recipientId, Class<T> type, Consumer<? super T> callback) {
        Objects.requireNonNull(callback, "callback");
        mappers.registration(type);
        delivery.addRecipient(recipientId, new MailboxDelivery.Recipient(type, r -> callback.accept(type.cast(r))));
    }

    /**
     * Stops serving {@code recipientId}: a message for it that arrives later is ignored (acknowledged, counted in
     * {@link #ignored()}, logged), or dead-lettered with reason {@code no-recipient} when the builder asked for that.
     * Returns false if no callback was registered for it (its later messages are still ignored).
     */
    public boolean removeRecipient(String recipientId) {
        return delivery.removeRecipient(recipientId);
    }

    /** Messages for removed recipients that were ignored. */
    public long ignored() {
        return delivery.ignored();
    }

    /** How many messages are kept for {@code recipient}, of any type. */
    public long kept(String recipient) {
        return store.count(recipient);
    }

    /** Stops reading the channel; messages not yet received stay with the broker for the next start. */
    @Override
    public void close() {
        readers.stop();
    }

    /** Configures {@link Mailboxes}. */
    public static final class Builder {
        private final String service;
        private Transport transport;
        private MessageMappers mappers;
        private MailboxStore store = new InMemoryMailboxStore();
        private int prefetch = 50;
        private int performers = 1;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Consumer<Runnable> callbackTransaction = Runnable::run;
        private boolean deadLetterRemoved;
        private Clock clock = Clock.systemUTC();

        private Builder(String service) {
            new MailboxAddress(service, "-"); // checks the name
            this.service = service;
        }

        /** The broker its channel is on. Required. */
        public Builder transport(Transport value) {
            transport = Objects.requireNonNull(value, "transport");
            return this;
        }

        /** The types it may deliver (JSON mappers by default; topics do not matter here). Required. */
        public Builder mappers(MessageMappers value) {
            mappers = Objects.requireNonNull(value, "mappers");
            return this;
        }

        /** Where messages wait for a dequeue; default in memory (lost with the process). */
        public Builder store(MailboxStore value) {
            store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** Messages the broker pushes ahead (default 50) and threads reading the channel (default 1). */
        public Builder prefetch(int value, int threadCount) {
            if (value < 1 || threadCount < 1) {
                throw new IllegalArgumentException("prefetch and threads must be at least 1 but were " + value + ", "
                        + threadCount);
            }
            prefetch = value;
            performers = threadCount;
            return this;
        }

        /** How often a waiting dequeue looks in a store shared with other processes (default 1 s). */
        public Builder pollInterval(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive but was " + value);
            }
            pollInterval = value;
            return this;
        }

        /** Runs each callback inside a transaction (for JDBC: {@code r -> transactions.inTransaction(...)}). */
        public Builder callbackTransaction(Consumer<Runnable> value) {
            callbackTransaction = Objects.requireNonNull(value, "callbackTransaction");
            return this;
        }

        /** Dead-letters messages for removed recipients (reason {@code no-recipient}) instead of ignoring them. */
        public Builder deadLetterRemovedRecipients() {
            deadLetterRemoved = true;
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Mailboxes build() {
            if (transport == null || mappers == null) {
                throw new IllegalStateException("Mailboxes '" + service + "' needs a transport and mappers");
            }
            return new Mailboxes(this);
        }
    }
}
