package dev.courier.internal;

import dev.courier.ChainContractException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;

/**
 * One link of a built pipeline: checks what the previous step passed on, then runs its step with the next link.
 * Immutable and shared by every handling, so proceeding allocates nothing. The first link of a chain checks nothing
 * (its caller is the processor, which made the context and checked the request, or the handler's invoker, which
 * passes on what it checked itself).
 */
final class StepNode implements Chain {
    private final HandlerStep step;
    private final Chain next;
    private final Class<?> requestType;
    private final String caller;

    /** {@code caller} is the step before this one, whose hand-over is checked; null for the first link. */
    StepNode(HandlerStep step, Chain next, Class<?> requestType, String caller) {
        this.step = step;
        this.next = next;
        this.requestType = requestType;
        this.caller = caller;
    }

    @Override
    public void proceed(Request request, RequestContext context) {
        if (caller != null) {
            check(request, context, requestType, caller);
        }
        step.handle(request, context, next);
    }

    static void check(Request request, RequestContext context, Class<?> requestType, String caller) {
        if (!requestType.isInstance(request)) {
            throw new ChainContractException(caller + " proceeded with " + (request == null ? "a null request"
                    : "a " + request.getClass().getName() + " where the handler takes " + requestType.getName()));
        }
        if (context == null) {
            throw new ChainContractException(caller + " proceeded with a null context");
        }
    }
}
