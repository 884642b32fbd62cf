package dev.courier;

/**
 * Handles one type of request. Annotate {@link #handle} with step annotations ({@link dev.courier.steps.RequestLogging},
 * {@link dev.courier.steps.UsePolicy}, {@link dev.courier.steps.FallbackPolicy}, {@link dev.courier.steps.TimeoutPolicy}, {@link dev.courier.steps.UseInbox}, or your own) to run it
 * through a pipeline.
 *
 * <p>The processor calls {@link #handle(Request, RequestContext)}, which by default calls {@link #handle(Request)}.
 * A handler that reads its context (the bag its steps filled, the message the request came as, to
 * {@linkplain dev.courier.runtime.CommandProcessor#reply(Reply, RequestContext) reply}) implements {@link ContextualHandler} instead.
 *
 * @param <T> the request type
 */
@FunctionalInterface
public interface RequestHandler<T extends Request> {

    void handle(T request);

    /**
     * What the pipeline calls at its end, with the context of this handling; by default {@link #handle(Request)}.
     * Put the step annotations on the method you implement.
     */
    default void handle(T request, RequestContext context) {
        handle(request);
    }

    /**
     * Called by {@link dev.courier.steps.FallbackPolicy} when {@link #handle} failed or a circuit breaker refused the call.
     * A handler that uses {@code @FallbackPolicy} must override this or {@link #fallback(Request, Throwable,
     * RequestContext)}; the processor refuses to build otherwise.
     *
     * @param cause why the normal path did not complete
     */
    default void fallback(T request, Throwable cause) {
        throw new UnsupportedOperationException(getClass().getName() + " does not override fallback()", cause);
    }

    /** What {@link dev.courier.steps.FallbackPolicy} calls, with the context of the failed handling; by default the two-argument one. */
    default void fallback(T request, Throwable cause, RequestContext context) {
        fallback(request, cause);
    }
}
