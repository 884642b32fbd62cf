package dev.courier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantTest {

    @Test
    void formatsEveryInstantAsInstantToStringDoesAndReadsItBack() {
        SplittableRandom random = new SplittableRandom(20261201);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(-62_200_000_000L, 253_500_000_000L); // a little past both ends of 4 digits
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nano);
            String text = IsoInstant.format(instant);
            assertThat(text).as("format of %s", instant).isEqualTo(instant.toString());
            assertThat(IsoInstant.parse(text)).as("parse of %s", text).isEqualTo(instant);
        }
    }

    @Test
    void formatsTheEdgesOfTheFourDigitYears() {
        for (String text : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2024-02-29T12:00:00.000001Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
            assertThat(IsoInstant.parse(text)).isEqualTo(instant);
        }
        assertThat(IsoInstant.format(Instant.MAX)).isEqualTo(Instant.MAX.toString());
        assertThat(IsoInstant.format(Instant.MIN)).isEqualTo(Instant.MIN.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-31t12:00:00z", "2026-01-31T12:00:00.1Z", "2026-01-31T12:00:00.12345678Z",
            "+10000-01-01T00:00:00Z", "2026-12-31T23:59:60Z",
            "2026-01-31T12:00:00.Z"})
    void readsWhatInstantParseReads(String text) {
        assertThat(IsoInstant.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-02-30T12:00:00Z", "2026-13-01T12:00:00Z", "2026-01-31T25:00:00Z",
            "2026-01-31T12:61:00Z", "2026-01-31T12:00:00.1234567890Z", "2026-01-3xT12:00:00Z",
            "2026-01-31T12:00:00", "2026-01-31 12:00:00Z", ""})
    void refusesWhatInstantParseRefuses(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> IsoInstant.parse(text)).isInstanceOf(DateTimeException.class);
    }
}
