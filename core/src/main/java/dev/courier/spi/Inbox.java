package dev.courier.spi;

import java.util.UUID;

/**
 * Records which handler has handled which message, so a redelivered message is not handled twice. Implementations
 * are thread-safe and treat (message id, handler key) as unique.
 */
public interface Inbox {

    /** Whether this handler key has already recorded this message id. */
    boolean contains(UUID messageId, String handlerKey);

    /**
     * Records a handling. Returns false, and changes nothing, when the pair was already recorded: a concurrent
     * duplicate finishing second learns it here.
     */
    boolean add(UUID messageId, String handlerKey);
}
