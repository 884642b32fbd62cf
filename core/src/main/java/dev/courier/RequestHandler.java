package dev.courier;

/**
 * Handles one type of request. Annotate {@link #handle} with step annotations ({@link RequestLogging},
 * {@link UsePolicy}, {@link FallbackPolicy}, {@link TimeoutPolicy}, {@link UseInbox}, or your own) to run it
 * through a pipeline.
 *
 * @param <T> the request type
 */
@FunctionalInterface
public interface RequestHandler<T extends Request> {

    void handle(T request);

    /**
     * Called by {@link FallbackPolicy} when {@link #handle} failed or a circuit breaker refused the call.
     * A handler that uses {@code @FallbackPolicy} must override this; the processor refuses to build otherwise.
     *
     * @param cause why the normal path did not complete
     */
    default void fallback(T request, Throwable cause) {
        throw new UnsupportedOperationException(getClass().getName() + " does not override fallback()", cause);
    }
}
