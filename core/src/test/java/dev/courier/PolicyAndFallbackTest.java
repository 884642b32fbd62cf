package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.runtime.CommandProcessor;
import dev.courier.steps.FallbackPolicy;
import dev.courier.steps.UsePolicy;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link UsePolicy} with real resilience4j retries and circuit breakers, and {@link FallbackPolicy}. */
class PolicyAndFallbackTest {

    record Charge(UUID id, int failuresBeforeSuccess) implements Command {
        Charge(int failuresBeforeSuccess) {
            this(Request.newId(), failuresBeforeSuccess);
        }
    }

    private static Policies policies() {
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(3).waitDuration(Duration.ZERO).build());
        retries.retry("three-times");
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofHours(1)).build());
        breakers.circuitBreaker("gateway");
        return Policies.of(retries, breakers);
    }

    private static CommandProcessor processor(Policies policies, RequestHandler<Charge> handler) {
        return CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Charge.class, handler))
                .policies(policies)
                .build();
    }

    /** Fails its first {@code failuresBeforeSuccess} attempts at each charge. */
    static class RetriedHandler implements RequestHandler<Charge> {
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        @UsePolicy(value = "three-times", step = 1)
        public void handle(Charge charge) {
            if (attempts.incrementAndGet() <= charge.failuresBeforeSuccess()) {
                throw new IllegalStateException("attempt " + attempts.get() + " failed");
            }
        }
    }

    @Test
    void aRetryRunsTheHandlerAgainUntilItSucceeds() {
        RetriedHandler handler = new RetriedHandler();
        try (CommandProcessor processor = processor(policies(), handler)) {
            processor.send(new Charge(2));
        }
        assertThat(handler.attempts).hasValue(3);
    }

    @Test
    void aRetryGivesUpAfterMaxAttemptsWithTheLastFailure() {
        RetriedHandler handler = new RetriedHandler();
        try (CommandProcessor processor = processor(policies(), handler)) {
            assertThatThrownBy(() -> processor.send(new Charge(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("attempt 3 failed");
        }
        assertThat(handler.attempts).hasValue(3);
    }

    @Test
    void aRetryDoesNotRepeatASuccessfulHandling() {
        RetriedHandler handler = new RetriedHandler();
        try (CommandProcessor processor = processor(policies(), handler)) {
            processor.send(new Charge(0));
        }
        assertThat(handler.attempts).hasValue(1);
    }

    /** Always fails; falls back, recording each cause and the cause in its context. */
    static class BrokenGatewayHandler implements RequestHandler<Charge> {
        final AtomicInteger attempts = new AtomicInteger();
        final List<Throwable> causes = new CopyOnWriteArrayList<>();
        final List<Optional<Throwable>> causesInContext = new CopyOnWriteArrayList<>();

        @Override
        @FallbackPolicy(step = 1)
        @UsePolicy(value = "gateway", step = 2)
        public void handle(Charge charge) {
            attempts.incrementAndGet();
            throw new IllegalStateException("gateway down");
        }

        @Override
        public void fallback(Charge charge, Throwable cause, RequestContext context) {
            causes.add(cause);
            causesInContext.add(context.get(FallbackPolicy.CAUSE_KEY, Throwable.class));
        }
    }

    @Test
    void theCircuitOpensAfterTheWindowFailsAndTheFallbackRunsWithEachCause() {
        Policies policies = policies();
        BrokenGatewayHandler handler = new BrokenGatewayHandler();
        try (CommandProcessor processor = processor(policies, handler)) {
            processor.send(new Charge(0));
            processor.send(new Charge(0));
            assertThat(policies.circuitBreaker("gateway").orElseThrow().getState())
                    .isEqualTo(CircuitBreaker.State.OPEN);
            processor.send(new Charge(0));
        }
        assertThat(handler.attempts).as("the open circuit kept the third call from the handler").hasValue(2);
        assertThat(handler.causes).hasSize(3);
        assertThat(handler.causes.get(0)).isInstanceOf(IllegalStateException.class).hasMessage("gateway down");
        assertThat(handler.causes.get(1)).isInstanceOf(IllegalStateException.class);
        assertThat(handler.causes.get(2)).isInstanceOf(CallNotPermittedException.class)
                .hasMessageContaining("gateway");
        assertThat(handler.causesInContext).extracting(Optional::orElseThrow)
                .containsExactlyElementsOf(handler.causes);
    }

    /** Falls back only when the circuit is open. */
    static class OpenCircuitOnlyHandler extends BrokenGatewayHandler {
        @Override
        @FallbackPolicy(step = 1, onFailure = false)
        @UsePolicy(value = "gateway", step = 2)
        public void handle(Charge charge) {
            super.handle(charge);
        }
    }

    @Test
    void aFallbackOnlyForTheOpenCircuitLetsOrdinaryFailuresThrough() {
        OpenCircuitOnlyHandler handler = new OpenCircuitOnlyHandler();
        try (CommandProcessor processor = processor(policies(), handler)) {
            assertThatThrownBy(() -> processor.send(new Charge(0))).hasMessage("gateway down");
            assertThatThrownBy(() -> processor.send(new Charge(0))).hasMessage("gateway down");
            processor.send(new Charge(0));
        }
        assertThat(handler.causes).singleElement().isInstanceOf(CallNotPermittedException.class);
    }

    /** Falls back on failures but not on an open circuit. */
    static class FailureOnlyHandler extends BrokenGatewayHandler {
        @Override
        @FallbackPolicy(step = 1, onOpenCircuit = false)
        @UsePolicy(value = "gateway", step = 2)
        public void handle(Charge charge) {
            super.handle(charge);
        }
    }

    @Test
    void aFallbackOnlyForFailuresLetsTheOpenCircuitThrough() {
        FailureOnlyHandler handler = new FailureOnlyHandler();
        try (CommandProcessor processor = processor(policies(), handler)) {
            processor.send(new Charge(0));
            processor.send(new Charge(0));
            assertThatThrownBy(() -> processor.send(new Charge(0))).isInstanceOf(CallNotPermittedException.class);
        }
        assertThat(handler.causes).hasSize(2).allSatisfy(c -> assertThat(c).isInstanceOf(IllegalStateException.class));
    }

    /** Retries inside a breaker: one send is three attempts but one call the breaker counts. */
    static class RetryInsideBreakerHandler implements RequestHandler<Charge> {
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        @UsePolicy(value = {"gateway", "three-times"}, step = 1)
        public void handle(Charge charge) {
            attempts.incrementAndGet();
            throw new IllegalStateException("still down");
        }
    }

    @Test
    void severalPolicyNamesApplyTheFirstOutermost() {
        Policies policies = policies();
        RetryInsideBreakerHandler handler = new RetryInsideBreakerHandler();
        try (CommandProcessor processor = processor(policies, handler)) {
            assertThatThrownBy(() -> processor.send(new Charge(0))).hasMessage("still down");
        }
        assertThat(handler.attempts).hasValue(3);
        assertThat(policies.circuitBreaker("gateway").orElseThrow().getMetrics().getNumberOfFailedCalls())
                .isEqualTo(1);
    }
    /** Rejects every charge, behind a retry, a breaker and a fallback that must all let the decision through. */
    static class RejectingHandler implements RequestHandler<Charge> {
        final AtomicInteger attempts = new AtomicInteger();
        final List<Throwable> fallbacks = new CopyOnWriteArrayList<>();

        @Override
        @FallbackPolicy(step = 1)
        @UsePolicy(value = {"gateway", "three-times"}, step = 2)
        public void handle(Charge charge) {
            attempts.incrementAndGet();
            if (charge.failuresBeforeSuccess() > 0) {
                throw new DeferMessageException(Duration.ofSeconds(5), "not yet");
            }
            throw new RejectMessageException("never valid");
        }

        @Override
        public void fallback(Charge charge, Throwable cause) {
            fallbacks.add(cause);
        }
    }

    @Test
    void aRejectOrDeferIsNeitherRetriedNorFallenBackFromNorCountedAsABreakerFailure() {
        Policies policies = policies();
        RejectingHandler handler = new RejectingHandler();
        try (CommandProcessor processor = processor(policies, handler)) {
            assertThatThrownBy(() -> processor.send(new Charge(0))).isInstanceOf(RejectMessageException.class)
                    .hasMessageContaining("never valid");
            assertThatThrownBy(() -> processor.send(new Charge(1))).isInstanceOf(DeferMessageException.class)
                    .hasMessageContaining("not yet");
        }
        assertThat(handler.attempts).as("handlings, without retries").hasValue(2);
        assertThat(handler.fallbacks).as("fallbacks run").isEmpty();
        assertThat(policies.circuitBreaker("gateway").orElseThrow().getMetrics().getNumberOfFailedCalls())
                .as("breaker failures").isZero();
    }
}
