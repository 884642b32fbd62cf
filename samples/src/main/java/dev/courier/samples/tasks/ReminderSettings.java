package dev.courier.samples.tasks;

import dev.courier.Policies;
import dev.courier.Subscription;
import dev.courier.spi.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * How hard the reminder consumer tries: attempts inside one handling (the pipeline's retry), then requeues by the
 * pump, then the dead letters.
 *
 * @param retryAttempts attempts per handling, including the first
 * @param retryWait     pause between those attempts
 * @param requeueCount  failed handlings put back before the message is dead-lettered
 * @param requeueDelay  how long a failed message waits before it comes back
 * @param performers    pump threads
 * @param channel       the channel (queue) the consumer reads; its topic is always {@link TaskReminder#TOPIC}
 */
public record ReminderSettings(int retryAttempts, Duration retryWait, int requeueCount, Duration requeueDelay,
        int performers, String channel) {

    /** Three attempts 200 ms apart, three requeues 5 s apart, two pumps, on channel {@value TaskReminder#TOPIC}. */
    public static final ReminderSettings DEFAULTS = new ReminderSettings(3, Duration.ofMillis(200), 3,
            Duration.ofSeconds(5), 2);

    /** Settings on the default channel, {@value TaskReminder#TOPIC}. */
    public ReminderSettings(int retryAttempts, Duration retryWait, int requeueCount, Duration requeueDelay,
            int performers) {
        this(retryAttempts, retryWait, requeueCount, requeueDelay, performers, TaskReminder.TOPIC);
    }

    public ReminderSettings {
        if (retryAttempts < 1) {
            throw new IllegalArgumentException("retryAttempts must be at least 1 but was " + retryAttempts);
        }
        Objects.requireNonNull(retryWait, "retryWait");
        if (requeueCount < 0) {
            throw new IllegalArgumentException("requeueCount must not be negative but was " + requeueCount);
        }
        Objects.requireNonNull(requeueDelay, "requeueDelay");
        if (performers < 1) {
            throw new IllegalArgumentException("performers must be at least 1 but was " + performers);
        }
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("channel must not be blank but was " + channel);
        }
    }

    /** The retry and circuit breaker {@link MailTaskReminderHandler} names. */
    public Policies policies() {
        // snippet policies
        RetryRegistry retries = RetryRegistry.ofDefaults();
        retries.retry(MailTaskReminderHandler.RETRY, RetryConfig.custom()
                .maxAttempts(retryAttempts).waitDuration(retryWait).build());
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        breakers.circuitBreaker(MailTaskReminderHandler.BREAKER, CircuitBreakerConfig.custom()
                .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10)).build());
        return Policies.of(retries, breakers);
        // end policies
    }

    /** The consumer's subscription to {@link TaskReminder#TOPIC} on {@code transport}. */
    public Subscription subscription(Transport transport) {
        return Subscription.builder(TaskReminder.TOPIC, TaskReminder.class)
                .channel(channel)
                .transport(transport)
                .performers(performers)
                .requeueCount(requeueCount)
                .requeueDelay(requeueDelay).build();
    }
}
