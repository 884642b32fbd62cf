package dev.courier;

import java.util.UUID;

/**
 * Something a handler acts on. Every request carries an id; a record component {@code UUID id} satisfies this.
 * The id becomes the message id when the request is posted, so it is also what an inbox de-duplicates on.
 */
public interface Request {
    UUID id();

    /** A fresh random id, for request constructors. */
    static UUID newId() {
        return UUID.randomUUID();
    }
}
