package dev.courier.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:postgresql://db:5432/app?user=app&password=ab;Secret-7731&ssl=true",
        "jdbc:postgresql://db:5432/app?password=ab)Secret-7731",
        "jdbc:mariadb://db:3306/app?user=app&pwd=ab;c)Secret-7731",
        "jdbc:h2:tcp://db/app;USER=sa;PASSWORD=ab&Secret-7731;MODE=PostgreSQL",
        "jdbc:mariadb:address=(host=db)(port=3306)(password=ab;Secret-7731)/app",
        "jdbc:mysql://app:ab;Secret-7731@db:3306/app"
    })
    void aPasswordIsRedactedWholeWhateverCharactersItHolds(String url) {
        assertThat(Redaction.url(url)).contains("***").doesNotContain("Secret").doesNotContain("7731");
        assertThat(Redaction.text("failed: " + url, Redaction.secrets(url)))
                .doesNotContain("Secret").doesNotContain("7731");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db:5432/app?user=app&ssl=true", "jdbc:h2:mem:test;MODE=PostgreSQL"})
    void aUrlWithoutAPasswordIsLeftAsItIs(String url) {
        assertThat(Redaction.url(url)).isEqualTo(url);
    }
}
