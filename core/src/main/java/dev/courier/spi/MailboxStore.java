package dev.courier.spi;

import dev.courier.message.Message;
import java.util.Collection;
import java.util.Optional;

/**
 * Where a mailbox's messages wait until their recipient takes them, sorted by recipient and type: what lets a
 * broker that only delivers in order (RabbitMQ, Kafka) serve a selective, waiting dequeue. Thread-safe; a store
 * shared by several processes (a database) serves them all, each message to one taker.
 */
public interface MailboxStore {

    /**
     * Keeps {@code message} for {@code recipient} under its type name {@code type}. Returns false, and keeps nothing
     * new, when a message with its id is already kept (a redelivery of one stored before).
     */
    boolean put(String recipient, String type, Message message);

    /**
     * Takes the oldest message kept for {@code recipient} whose type is one of {@code types}: it is removed and
     * returned, and no other take returns it. A store that joins the caller's transaction (the JDBC store with a
     * transaction provider) removes it in that transaction, so a rollback puts it back.
     */
    Optional<Message> take(String recipient, Collection<String> types);

    /** How many messages are kept for {@code recipient}, of any type. */
    long count(String recipient);
}
