package dev.courier.pipeline;

import dev.courier.Request;
import dev.courier.RequestContext;

/**
 * The rest of a handler's pipeline, as seen by one step. A chain is immutable and shared by every handling of the
 * same handler type, so a step passes the request and its context on explicitly.
 */
@FunctionalInterface
public interface Chain {

    /**
     * Runs the rest of the pipeline. A step may call this once (the usual case), never (to short-circuit, as a
     * fallback or a duplicate check does) or several times in sequence (as a retry does), always on a request of
     * the handler's request type and with the context it was given.
     */
    void proceed(Request request, RequestContext context);
}
