package dev.courier.runtime;

import dev.courier.ChannelState;
import dev.courier.spi.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A health check over the parts it is given: a {@link Dispatcher}'s channels, an {@link Outbox}'s backlog and an
 * {@link OutboxSweeper}'s passes. {@link #check()} is cheap (the outbox's count and its oldest message are two
 * queries) and may be called from any thread.
 *
 * <p>Each channel: {@code RUNNING} is UP; {@code BLOCKED} (the broker's alarm) and {@code PAUSED} are DEGRADED;
 * {@code FAILING} (it cannot reach the broker) and {@code STOPPED} are DOWN. The outbox: DEGRADED when more than
 * {@code maxOutstanding} messages are outstanding or (with {@code maxAge}) the oldest was stored longer ago, DOWN
 * when it cannot be read. The sweeper: DEGRADED when its last pass ended longer than {@code maxSilence} ago (or
 * none ended within {@code maxSilence} of this check's creation).
 * Overall: DOWN when the outbox is DOWN or every channel is DOWN; otherwise DEGRADED when any check is not UP;
 * otherwise UP.
 */
public final class CourierHealth {
    private final Dispatcher dispatcher;
    private final Outbox outbox;
    private final long maxOutstanding;
    private final Duration maxAge;
    private final OutboxSweeper sweeper;
    private final Duration maxSilence;
    private final Clock clock;
    private final Instant created;

    private CourierHealth(Builder b) {
        this.dispatcher = b.dispatcher;
        this.outbox = b.outbox;
        this.maxOutstanding = b.maxOutstanding;
        this.maxAge = b.maxAge;
        this.sweeper = b.sweeper;
        this.maxSilence = b.maxSilence;
        this.clock = b.clock;
        this.created = clock.instant();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks every part now. */
    public Health check() {
        List<Health.Check> checks = new ArrayList<>();
        int channels = 0;
        int channelsDown = 0;
        if (dispatcher != null) {
            for (ChannelState state : dispatcher.states()) {
                Health.Check check = channel(state);
                checks.add(check);
                channels++;
                channelsDown += check.status() == Health.Status.DOWN ? 1 : 0;
            }
        }
        Health.Check outboxCheck = outbox == null ? null : outbox();
        if (outboxCheck != null) {
            checks.add(outboxCheck);
        }
        if (sweeper != null) {
            checks.add(sweeper());
        }
        Health.Status status;
        if ((outboxCheck != null && outboxCheck.status() == Health.Status.DOWN)
                || (channels > 0 && channelsDown == channels)) {
            status = Health.Status.DOWN;
        } else if (checks.stream().anyMatch(c -> c.status() != Health.Status.UP)) {
            status = Health.Status.DEGRADED;
        } else {
            status = Health.Status.UP;
        }
        return new Health(status, checks);
    }

    private static Health.Check channel(ChannelState state) {
        Health.Status status = switch (state.status()) {
            case RUNNING -> Health.Status.UP;
            case BLOCKED, PAUSED -> Health.Status.DEGRADED;
            case FAILING, STOPPED -> Health.Status.DOWN;
        };
        String detail = state.status() + (state.reason().isEmpty() ? "" : ": " + state.reason())
                + ", " + state.performers() + " performer(s)"
                + (state.endpoint().isEmpty() ? "" : ", reading from " + state.endpoint());
        return new Health.Check("channel:" + state.channel(), status, detail);
    }

    private Health.Check outbox() {
        long outstanding;
        Duration age;
        try {
            outstanding = outbox.outstandingCount();
            age = outbox.oldestOutstanding().map(oldest -> Duration.between(oldest, clock.instant()))
                    .map(d -> d.isNegative() ? Duration.ZERO : d).orElse(null);   // another clock ahead: 0
        } catch (RuntimeException e) {
            return new Health.Check("outbox", Health.Status.DOWN, "cannot read the outbox: " + e.getMessage());
        }
        boolean tooMany = outstanding > maxOutstanding;
        boolean tooOld = age != null && maxAge != null && age.compareTo(maxAge) > 0;
        return new Health.Check("outbox", tooMany || tooOld ? Health.Status.DEGRADED : Health.Status.UP, outstanding
                + " message(s) outstanding" + (tooMany ? ", more than " + maxOutstanding : "")
                + (age == null ? "" : ", the oldest stored " + age.toMillis() + " ms ago")
                + (tooOld ? ", more than " + maxAge.toMillis() + " ms" : ""));
    }

    private Health.Check sweeper() {
        Instant now = clock.instant();
        Optional<Instant> last = sweeper.lastPass();
        String failure = sweeper.lastFailure().map(f -> "; last pass failed: " + f).orElse("");
        if (last.isEmpty()) {
            boolean late = Duration.between(created, now).compareTo(maxSilence) > 0;
            return new Health.Check("sweeper", late ? Health.Status.DEGRADED : Health.Status.UP,
                    "no pass has ended yet" + failure);
        }
        Duration since = Duration.between(last.get(), now);
        boolean late = since.compareTo(maxSilence) > 0;
        return new Health.Check("sweeper", late ? Health.Status.DEGRADED : Health.Status.UP,
                "last pass ended " + since.toMillis() + " ms ago" + (late ? ", more than " + maxSilence.toMillis()
                        + " ms" : "") + failure);
    }

    /** What to check; every part is optional. */
    public static final class Builder {
        private Dispatcher dispatcher;
        private Outbox outbox;
        private long maxOutstanding;
        private Duration maxAge;
        private OutboxSweeper sweeper;
        private Duration maxSilence;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Checks every channel of this dispatcher. */
        public Builder dispatcher(Dispatcher value) {
            dispatcher = Objects.requireNonNull(value, "dispatcher");
            return this;
        }

        /** DEGRADED when more than {@code maxOutstanding} messages are outstanding in {@code value}. */
        public Builder outbox(Outbox value, long maxOutstanding) {
            if (maxOutstanding < 0) {
                throw new IllegalArgumentException("maxOutstanding must not be negative but was " + maxOutstanding);
            }
            outbox = Objects.requireNonNull(value, "outbox");
            this.maxOutstanding = maxOutstanding;
            return this;
        }

        /**
         * As {@link #outbox(Outbox, long)}, and DEGRADED too when the oldest outstanding message (not parked) was
         * stored longer than {@code maxAge} ago: sending has fallen behind (see {@link Outbox#oldestOutstanding()}).
         */
        public Builder outbox(Outbox value, long maxOutstanding, Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative but was " + maxAge);
            }
            return outbox(value, maxOutstanding);
        }

        /** DEGRADED when the sweeper's last pass ended longer than {@code maxSilence} ago (use its clock below). */
        public Builder sweeper(OutboxSweeper value, Duration maxSilence) {
            sweeper = Objects.requireNonNull(value, "sweeper");
            this.maxSilence = Objects.requireNonNull(maxSilence, "maxSilence");
            if (maxSilence.isNegative() || maxSilence.isZero()) {
                throw new IllegalArgumentException("maxSilence must be positive but was " + maxSilence);
            }
            return this;
        }

        /** The clock the sweeper's passes are compared with: the sweeper's own. Default the system's (UTC). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public CourierHealth build() {
            return new CourierHealth(this);
        }
    }
}
