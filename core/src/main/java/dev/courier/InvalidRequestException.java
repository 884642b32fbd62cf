package dev.courier;

/** A request that cannot be processed at all: null, or without an id. */
public class InvalidRequestException extends CourierException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
