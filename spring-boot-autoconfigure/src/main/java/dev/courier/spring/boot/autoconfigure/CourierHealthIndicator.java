package dev.courier.spring.boot.autoconfigure;

import dev.courier.runtime.CourierHealth;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Courier's {@link CourierHealth} on the actuator's health endpoint ({@code /actuator/health/courier}): DOWN when
 * Courier's check is DOWN (every channel failing, the outbox unreadable); UP otherwise, with {@code degraded: true}
 * and the reasons when a part is DEGRADED (a channel shut or blocked, a backlog, a silent sweeper), so that a
 * readiness probe does not take an instance out for a backlog it is working through. One detail per part.
 */
public final class CourierHealthIndicator implements HealthIndicator {
    private final CourierHealth health;

    public CourierHealthIndicator(CourierHealth health) {
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public Health health() {
        dev.courier.runtime.Health now = health.check();
        Health.Builder builder = now.status() == dev.courier.runtime.Health.Status.DOWN ? Health.down() : Health.up();
        builder.withDetail("status", now.status().name());
        if (now.status() == dev.courier.runtime.Health.Status.DEGRADED) {
            builder.withDetail("degraded", true);
        }
        for (dev.courier.runtime.Health.Check check : now.checks()) {
            builder.withDetail(check.name(), check.status() + ": " + check.detail());
        }
        return builder.build();
    }
}
