package dev.courier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.Objects;
import java.util.Optional;

/**
 * The named resilience4j policies that {@link dev.courier.steps.UsePolicy} refers to. A name must be unique across both registries.
 * Only instances already in a registry count: {@link dev.courier.steps.UsePolicy} never creates one with default settings.
 */
public final class Policies {
    public static final Policies NONE = new Policies(RetryRegistry.ofDefaults(), CircuitBreakerRegistry.ofDefaults());

    private final RetryRegistry retries;
    private final CircuitBreakerRegistry breakers;

    private Policies(RetryRegistry retries, CircuitBreakerRegistry breakers) {
        this.retries = retries;
        this.breakers = breakers;
    }

    public static Policies of(RetryRegistry retries, CircuitBreakerRegistry breakers) {
        return new Policies(Objects.requireNonNull(retries, "retries"), Objects.requireNonNull(breakers, "breakers"));
    }

    public static Policies of(RetryRegistry retries) {
        return of(retries, CircuitBreakerRegistry.ofDefaults());
    }

    public static Policies of(CircuitBreakerRegistry breakers) {
        return of(RetryRegistry.ofDefaults(), breakers);
    }

    public Optional<Retry> retry(String name) {
        return retries.find(name);
    }

    public Optional<CircuitBreaker> circuitBreaker(String name) {
        return breakers.find(name);
    }

    public RetryRegistry retries() {
        return retries;
    }

    public CircuitBreakerRegistry circuitBreakers() {
        return breakers;
    }
}
