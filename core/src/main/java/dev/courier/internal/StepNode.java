package dev.courier.internal;

import dev.courier.ChainContractException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;

/**
 * One link of a built pipeline: checks what the previous step passed on, then runs its step with the next link.
 * Immutable and shared by every handling, so proceeding allocates nothing.
 */
final class StepNode implements Chain {
    private final HandlerStep step;
    private final Chain next;
    private final Class<?> requestType;
    private final String caller;

    StepNode(HandlerStep step, Chain next, Class<?> requestType, String caller) {
        this.step = step;
        this.next = next;
        this.requestType = requestType;
        this.caller = caller;
    }

    @Override
    public void proceed(Request request, RequestContext context) {
        check(request, context, requestType, caller);
        step.handle(request, context, next);
    }

    static void check(Request request, RequestContext context, Class<?> requestType, String caller) {
        if (request == null) {
            throw new ChainContractException(caller + " proceeded with a null request");
        }
        if (!requestType.isInstance(request)) {
            throw new ChainContractException(caller + " proceeded with a " + request.getClass().getName()
                    + " where the handler takes " + requestType.getName());
        }
        if (context == null) {
            throw new ChainContractException(caller + " proceeded with a null context");
        }
    }
}
