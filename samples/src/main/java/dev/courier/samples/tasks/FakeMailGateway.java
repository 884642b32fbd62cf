package dev.courier.samples.tasks;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mail gateway that sends nothing: it records each mail, and fails now and then as its {@link FailurePlan} says,
 * so that the sample's retries, circuit breaker and dead letters have something to do.
 */
public final class FakeMailGateway implements MailGateway {
    /** A mail the gateway took. */
    public record Mail(String to, String subject, String text) {}

    /** Decides whether the {@code attempt}-th (1-based) mail to {@code recipient} fails. */
    @FunctionalInterface
    public interface FailurePlan {
        boolean fails(String recipient, int attempt);

        /** Never fails. */
        static FailurePlan never() {
            return (recipient, attempt) -> false;
        }

        /** Fails each attempt with probability {@code rate}, reproducibly for one {@code seed}. */
        static FailurePlan random(double rate, long seed) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("rate must be between 0 and 1 but was " + rate);
            }
            Random random = new Random(seed);
            return (recipient, attempt) -> {
                synchronized (random) {
                    return random.nextDouble() < rate;
                }
            };
        }
    }

    private final FailurePlan plan;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<Mail> sent = new CopyOnWriteArrayList<>();

    public FakeMailGateway(FailurePlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    @Override
    public void send(String to, String subject, String text) {
        int attempt = attempts.computeIfAbsent(to, k -> new AtomicInteger()).incrementAndGet();
        if (plan.fails(to, attempt)) {
            throw new MailGatewayException("mail gateway unavailable for " + to + " (attempt " + attempt + ")");
        }
        sent.add(new Mail(to, subject, text));
    }

    /** The mails taken so far, in order. */
    public List<Mail> sent() {
        return List.copyOf(sent);
    }

    /** How many times a mail to {@code recipient} was tried, failed or not. */
    public int attempts(String recipient) {
        AtomicInteger count = attempts.get(recipient);
        return count == null ? 0 : count.get();
    }
}
