package dev.courier.internal;

import dev.courier.InvalidRequestException;
import dev.courier.Request;

/** The check every entry point makes of the request it is given. */
public final class Requests {
    private Requests() {}

    /** @throws InvalidRequestException naming {@code operation} when the request or its id is null */
    public static void require(Request request, String operation) {
        if (request == null) {
            throw new InvalidRequestException(operation + "(null): the request must not be null");
        }
        if (request.id() == null) {
            throw new InvalidRequestException(operation + "(" + request.getClass().getName()
                    + "): the request has no id");
        }
    }
}
