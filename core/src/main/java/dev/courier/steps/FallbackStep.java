package dev.courier.steps;

import dev.courier.DeferMessageException;
import dev.courier.PipelineConfigurationException;
import dev.courier.RejectMessageException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.RequestHandler;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.lang.reflect.Method;
import java.util.Arrays;

/** The step behind {@link FallbackPolicy}. */
final class FallbackStep implements HandlerStep {
    private final boolean onFailure;
    private final boolean onOpenCircuit;

    private FallbackStep(boolean onFailure, boolean onOpenCircuit) {
        this.onFailure = onFailure;
        this.onOpenCircuit = onOpenCircuit;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void handle(Request request, RequestContext context, Chain next) {
        try {
            next.proceed(request, context);
        } catch (DeferMessageException | RejectMessageException e) {
            throw e; // the handler's decision for the message pump, not a failure to fall back from
        } catch (Exception e) {
            boolean open = e instanceof CallNotPermittedException;
            if (open ? !onOpenCircuit : !onFailure) {
                throw e;
            }
            context.put(FallbackPolicy.CAUSE_KEY, e);
            ((RequestHandler) context.handler()).fallback(request, e, context);
        }
    }

    /** Refuses a handler that does not override {@code fallback}. */
    static final class Factory implements StepFactory<FallbackPolicy> {
        @Override
        public HandlerStep create(FallbackPolicy annotation, StepContext context) {
            boolean overridden = Arrays.stream(context.handlerType().getMethods())
                    .filter(m -> m.getName().equals("fallback")
                            && (m.getParameterCount() == 2 || m.getParameterCount() == 3))
                    .map(Method::getDeclaringClass)
                    .anyMatch(declaring -> declaring != RequestHandler.class);
            if (!overridden) {
                throw new PipelineConfigurationException(
                        "@FallbackPolicy needs the handler to override fallback(request, cause)"
                                + " or fallback(request, cause, context)");
            }
            if (!annotation.onFailure() && !annotation.onOpenCircuit()) {
                throw new PipelineConfigurationException(
                        "@FallbackPolicy with onFailure = false and onOpenCircuit = false would never run");
            }
            return new FallbackStep(annotation.onFailure(), annotation.onOpenCircuit());
        }
    }
}
