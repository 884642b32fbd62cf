package dev.courier.steps;

import dev.courier.CourierException;
import dev.courier.DeferMessageException;
import dev.courier.PipelineConfigurationException;
import dev.courier.Policies;
import dev.courier.RejectMessageException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.pipeline.Rethrow;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedRunnable;
import io.github.resilience4j.retry.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The step behind {@link UsePolicy}: the rest of the chain decorated by named resilience4j policies. */
final class PolicyStep implements HandlerStep {
    private final List<UnaryOperator<CheckedRunnable>> decorators;

    private PolicyStep(List<UnaryOperator<CheckedRunnable>> decorators) {
        this.decorators = decorators;
    }

    /**
     * Runs the rest of the chain under the policies. A {@link DeferMessageException} or {@link RejectMessageException}
     * is the handler's decision for the message pump, not a failure: it passes through the policies as a normal
     * return (no retry of a rejected message, no failure counted by a breaker) and is thrown again after them.
     */
    @Override
    public void handle(Request request, RequestContext context, Chain next) {
        CourierException[] decision = new CourierException[1];
        CheckedRunnable call = () -> {
            try {
                next.proceed(request, context);
            } catch (DeferMessageException | RejectMessageException e) {
                decision[0] = e;
            }
        };
        for (int i = decorators.size() - 1; i >= 0; i--) {
            call = decorators.get(i).apply(call);
        }
        try {
            call.run();
        } catch (Throwable t) {
            throw Rethrow.asItIs(t);
        }
        if (decision[0] != null) {
            throw decision[0];
        }
    }

    /** Resolves every policy name when the processor is built. */
    static final class Factory implements StepFactory<UsePolicy> {
        @Override
        public HandlerStep create(UsePolicy annotation, StepContext context) {
            if (annotation.value().length == 0) {
                throw new PipelineConfigurationException("@UsePolicy names no policy");
            }
            Policies policies = context.policies();
            List<UnaryOperator<CheckedRunnable>> decorators = new ArrayList<>();
            for (String name : annotation.value()) {
                Optional<Retry> retry = policies.retry(name);
                Optional<CircuitBreaker> breaker = policies.circuitBreaker(name);
                if (retry.isPresent() && breaker.isPresent()) {
                    throw new PipelineConfigurationException("policy name '" + name
                            + "' is both a Retry and a CircuitBreaker; give them different names");
                }
                if (retry.isPresent()) {
                    Retry r = retry.get();
                    decorators.add(call -> Retry.decorateCheckedRunnable(r, call));
                } else if (breaker.isPresent()) {
                    CircuitBreaker b = breaker.get();
                    decorators.add(call -> CircuitBreaker.decorateCheckedRunnable(b, call));
                } else {
                    throw new PipelineConfigurationException("unknown policy '" + name + "'; known retries: "
                            + names(policies.retries().getAllRetries().stream().map(Retry::getName).toList())
                            + ", known circuit breakers: " + names(policies.circuitBreakers().getAllCircuitBreakers()
                                    .stream().map(CircuitBreaker::getName).toList()));
                }
            }
            return new PolicyStep(List.copyOf(decorators));
        }

        private static String names(List<String> names) {
            return names.isEmpty() ? "none" : names.toString();
        }
    }
}
