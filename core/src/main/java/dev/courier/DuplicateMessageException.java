package dev.courier;

import java.util.UUID;

/** {@link dev.courier.steps.UseInbox} found that this handler already handled the request with this id. */
public class DuplicateMessageException extends CourierException {
    public DuplicateMessageException(Class<?> requestType, UUID id, String handlerKey) {
        super(requestType.getName() + " " + id + " was already handled by " + handlerKey);
    }
}
