package dev.courier.store;

import dev.courier.message.Message;
import dev.courier.spi.MailboxStore;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link MailboxStore} in this process's memory: what is kept is lost with the process (the broker has long
 * acknowledged it). For tests and for recipients whose messages may be lost on a crash; use the JDBC store
 * otherwise.
 */
public final class InMemoryMailboxStore implements MailboxStore {
    private final Map<String, ArrayDeque<Kept>> byRecipient = new HashMap<>();
    private final Set<java.util.UUID> ids = new HashSet<>();

    private record Kept(String type, Message message) {}

    @Override
    public synchronized boolean put(String recipient, String type, Message message) {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(type, "type");
        if (!ids.add(message.id())) {
            return false;
        }
        byRecipient.computeIfAbsent(recipient, r -> new ArrayDeque<>()).addLast(new Kept(type, message));
        return true;
    }

    @Override
    public synchronized Optional<Message> take(String recipient, Collection<String> types) {
        ArrayDeque<Kept> kept = byRecipient.get(recipient);
        if (kept == null) {
            return Optional.empty();
        }
        for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
            Kept next = it.next();
            if (types.contains(next.type())) {
                it.remove();
                ids.remove(next.message().id());
                if (kept.isEmpty()) {
                    byRecipient.remove(recipient);
                }
                return Optional.of(next.message());
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized long count(String recipient) {
        ArrayDeque<Kept> kept = byRecipient.get(recipient);
        return kept == null ? 0 : kept.size();
    }
}
