package dev.courier.internal;

import dev.courier.MailboxAddress;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MailboxStore;
import dev.courier.spi.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to each message that reaches a mailbox service: a registered recipient's callback runs it (in the
 * callback transaction, if one is set); a message for a removed recipient is ignored (acknowledged and counted) or
 * dead-lettered; anything else is kept in the store for a dequeue, and waiting dequeues are woken. A message is
 * acknowledged only after its callback returned or the store kept it: a crash in between redelivers it, and the
 * store keeps a message id once.
 */
public final class MailboxDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxDelivery.class);
    private static final int REMEMBERED_REMOVALS = 100_000;
    private static final Duration STORE_RETRY = Duration.ofSeconds(1);

    /** A recipient served by a callback. */
    public record Recipient(Class<? extends Request> type, Consumer<Request> callback) {}

    private final String service;
    private final MailboxStore store;
    private final MessageMappers mappers;
    private final MailboxWaits waits;
    private final Consumer<Runnable> callbackTransaction;
    private final boolean deadLetterRemoved;
    private final Clock clock;
    private final Map<String, Recipient> recipients = new ConcurrentHashMap<>();
    private final Map<String, Boolean> removed = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_REMOVALS;
        }
    });
    private final AtomicLong ignored = new AtomicLong();

    public MailboxDelivery(String service, MailboxStore store, MessageMappers mappers, MailboxWaits waits,
            Consumer<Runnable> callbackTransaction, boolean deadLetterRemoved, Clock clock) {
        this.service = service;
        this.store = store;
        this.mappers = mappers;
        this.waits = waits;
        this.callbackTransaction = callbackTransaction;
        this.deadLetterRemoved = deadLetterRemoved;
        this.clock = clock;
    }

    public void addRecipient(String id, Recipient recipient) {
        new MailboxAddress(service, id); // checks the id
        if (recipients.putIfAbsent(id, recipient) != null) {
            throw new IllegalStateException("Recipient '" + id + "' of mailbox '" + service + "' is registered already");
        }
        removed.remove(id);
    }

    public boolean removeRecipient(String id) {
        removed.put(Objects.requireNonNull(id, "id"), Boolean.TRUE); // first: a delivery in between sees one or the other
        return recipients.remove(id) != null;
    }

    /** Messages for removed recipients that were acknowledged without being handled. */
    public long ignored() {
        return ignored.get();
    }

    /** Handles one received message and settles it on {@code consumer}. */
    public void deliver(Message message, MessageConsumer consumer) {
        String recipient = message.header().bag().get(MessageMappers.RECIPIENT_HEADER);
        if (recipient == null || recipient.isBlank()) {
            reject(consumer, message, "unacceptable", "no " + MessageMappers.RECIPIENT_HEADER + " header: it is not "
                    + "addressed to a recipient of mailbox '" + service + "'", null);
            return;
        }
        Request request;
        try {
            request = mappers.toRequest(message, mappers.types());
        } catch (RuntimeException e) {
            reject(consumer, message, "unacceptable", e.getMessage(), e);
            return;
        }
        Recipient callback = recipients.get(recipient);
        if (callback != null && callback.type().isInstance(request)) {
            try {
                callbackTransaction.accept(() -> callback.callback().accept(request));
            } catch (RuntimeException e) {
                reject(consumer, message, "handler-failed", "the callback of recipient '" + recipient + "' failed: "
                        + e.getMessage(), e);
                return;
            }
            consumer.acknowledge(message);
            return;
        }
        if (callback == null && removed.containsKey(recipient)) {
            if (deadLetterRemoved) {
                reject(consumer, message, "no-recipient", "recipient '" + recipient + "' of mailbox '" + service
                        + "' was removed", null);
            } else {
                consumer.acknowledge(message);
                ignored.incrementAndGet();
                LOG.info("Ignored message {} ({}) for removed recipient '{}' of mailbox '{}'", message.id(),
                        message.header().bag().get(MessageMappers.TYPE_HEADER), recipient, service);
            }
            return;
        }
        try {
            store.put(recipient, mappers.registration(request.getClass()).name(), message);
        } catch (RuntimeException e) {
            LOG.warn("Mailbox '{}' cannot keep message {} for '{}' (it goes back to the broker, again in {} ms): {}",
                    service, message.id(), recipient, STORE_RETRY.toMillis(), e.toString());
            consumer.requeue(message, STORE_RETRY);
            return;
        }
        waits.arrived(recipient); // before the ack: a failing ack must not keep waiters asleep until their poll
        consumer.acknowledge(message);
    }

    private void reject(MessageConsumer consumer, Message message, String reason, String detail, Exception e) {
        LOG.warn("Mailbox '{}' dead-letters message {}: {}", service, message.id(), detail);
        consumer.reject(message, new DeadLetterReason(reason, detail, e == null ? "" : e.getClass().getName(),
                message.topic(), message.header().handledCount() + (e == null ? 0 : 1), clock.instant()));
    }
}
