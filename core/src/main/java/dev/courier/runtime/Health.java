package dev.courier.runtime;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link CourierHealth#check()} found: an overall status and one check per part (each channel, the outbox,
 * the sweeper), for a health endpoint, a Spring Boot health indicator or a readiness probe.
 *
 * @param status the overall status (see {@link CourierHealth} for how it is derived)
 * @param checks every part checked, in a stable order
 */
public record Health(Status status, List<Check> checks) {
    public Health {
        checks = List.copyOf(checks);
    }

    /** How well a part, or the whole, works. */
    public enum Status {
        /** Working. */
        UP,
        /** Working in part, or working with a backlog: look at it. */
        DEGRADED,
        /** Not working: nothing is consumed, or the outbox cannot be read. */
        DOWN
    }

    /**
     * One part.
     *
     * @param name   {@code channel:<name>}, {@code outbox} or {@code sweeper}
     * @param status its status
     * @param detail what was found, in words (a channel's reason, the backlog, the last pass)
     */
    public record Check(String name, Status status, String detail) {}

    /** One line per check that is not UP, after the status: for logs and probes. */
    public String summary() {
        String problems = checks.stream().filter(c -> c.status() != Status.UP)
                .map(c -> c.name() + " " + c.status() + ": " + c.detail()).collect(Collectors.joining("; "));
        return problems.isEmpty() ? status.name() : status + " (" + problems + ")";
    }
}
