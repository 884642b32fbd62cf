package dev.courier;

/**
 * A handler that takes the context of each handling as a parameter: the values its steps put in the bag, the message
 * the request arrived as, what {@link dev.courier.runtime.CommandProcessor#reply(Reply, RequestContext)} needs. Courier passes the
 * context rather than keeping it in a thread-local (see docs/pipeline.md, "The context"), so it is the same object
 * on whatever thread a step runs the handler.
 *
 * <pre>{@code
 * ContextualHandler<Double> doubler = (request, context) ->
 *         processor.reply(new Doubled(Request.newId(), request.id(), request.number() * 2), context);
 * }</pre>
 *
 * @param <T> the request type
 */
@FunctionalInterface
public interface ContextualHandler<T extends Request> extends RequestHandler<T> {

    /** Handles {@code request}; put the step annotations on this method. */
    @Override
    void handle(T request, RequestContext context);

    /** Handles {@code request} with a context of its own (no message, an empty bag), as a direct call from a test. */
    @Override
    default void handle(T request) {
        handle(request, RequestContext.of(this, null));
    }
}
