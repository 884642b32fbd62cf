package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.ChannelState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code courier channels} against a running application's ChannelControl, over a real RabbitMQ. */
class ChannelCliTest {
    private final ReminderApp app = new ReminderApp();
    private final Cli cli = app.cli();

    @AfterEach
    void close() throws Exception {
        app.close();
    }

    @Test
    void statusShutAndOpenReachTheRunningDispatcher() throws Exception {
        Cli.Result status = cli.run("channels", "status", "--app", app.exchange, "--instances", "1");
        assertThat(status.code()).as(status.toString()).isZero();
        List<String> lines = status.out().lines().toList();
        assertThat(lines.get(0)).startsWith("INSTANCE").contains("CHANNEL", "STATUS", "PERFORMERS", "ACKNOWLEDGED",
                "DEAD-LETTERED", "REASON");
        assertThat(lines.get(1)).startsWith("pod-1").contains(app.channel, "RUNNING");

        Cli.Result shut = cli.run("channels", "shut", "--app", app.exchange, "--channel", app.channel,
                "--instances", "1", "--json");
        assertThat(shut.code()).as(shut.toString()).isZero();
        JsonNode channel = new ObjectMapper().readTree(shut.out()).get(0).get("channels").get(0);
        assertThat(channel.get("status").asText()).isEqualTo("STOPPED");
        assertThat(channel.get("reason").asText()).isEqualTo("shut by operator");
        assertThat(app.dispatcher.state(app.channel).status()).isEqualTo(ChannelState.Status.STOPPED);

        Cli.Result open = cli.run("channels", "open", "--app", app.exchange, "--channel", app.channel,
                "--instances", "1");
        assertThat(open.code()).as(open.toString()).isZero();
        assertThat(app.dispatcher.state(app.channel).status()).isEqualTo(ChannelState.Status.RUNNING);

        Cli.Result typo = cli.run("channels", "shut", "--app", app.exchange, "--channel", "nope", "--instances", "1");
        assertThat(typo.code()).isEqualTo(CourierCli.FAILED);
        assertThat(typo.err()).contains("pod-1: No channel 'nope'");
    }

    @Test
    void withoutTheRightSecretNothingAnswersAndNothingChanges() {
        Cli.Result wrong = new Cli(app.exchange).with("COURIER_CONTROL_SECRET", "a guess of thirty-two characters")
                .run("channels", "shut", "--app", app.exchange, "--channel", app.channel, "--wait", "1");
        assertThat(wrong.code()).isEqualTo(CourierCli.NOT_FOUND);
        assertThat(wrong.err()).contains("no instance of '" + app.exchange + "' answered within 1 s");
        assertThat(app.dispatcher.state(app.channel).status()).isEqualTo(ChannelState.Status.RUNNING);

        Cli.Result none = new Cli(app.exchange).run("channels", "status", "--app", app.exchange);
        assertThat(none.code()).isEqualTo(CourierCli.USAGE);
        assertThat(none.err()).contains("No control.secret given", "COURIER_CONTROL_SECRET");
    }
}
