package dev.courier.transport.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void standsStillUntilAdvanced() {
        ManualClock clock = new ManualClock(START);

        assertThat(clock.instant()).isEqualTo(START);
        clock.advance(Duration.ofMillis(1500));
        assertThat(clock.instant()).isEqualTo(START.plusMillis(1500));
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli() + 1500);
    }

    @Test
    void refusesToGoBackwardsNamingTheDuration() {
        ManualClock clock = new ManualClock(START);

        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThat(clock.instant()).isEqualTo(START);
    }

    @Test
    void aZoneViewMovesWithTheOriginal() {
        ManualClock clock = new ManualClock(START);
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofMinutes(5));

        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(paris.instant()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    }

    @Test
    void tellsItsListenersAfterEveryAdvance() {
        ManualClock clock = new ManualClock(START);
        AtomicInteger calls = new AtomicInteger();
        clock.onAdvance(calls::incrementAndGet);

        clock.advance(Duration.ofSeconds(1));
        clock.advance(Duration.ZERO);

        assertThat(calls).hasValue(2);
    }
}
