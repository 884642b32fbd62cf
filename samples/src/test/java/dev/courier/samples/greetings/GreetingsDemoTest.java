package dev.courier.samples.greetings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GreetingsDemoTest {

    @Test
    void sendPublishAndPostEachReachTheirHandlers() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            GreetingsDemo.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String output = buffer.toString(StandardCharsets.UTF_8);

        assertThat(output).contains("Hello, Ada!", "AuditHandler: greeted Ada", "AuditHandler: greeted Grace",
                "StatsHandler: one more greeting");
        assertThat(output).containsPattern("GreetHandler on courier-pump-greetings-\\d+: Hello, Alan!");
        assertThat(output).contains("AuditHandler: greeted Alan");
    }
}
