package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.spi.DeadLetterFilter;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code courier dead-letters} against a real RabbitMQ and a running Dispatcher: 200 dead letters with three reasons
 * listed and filtered, 100 redriven by filter while the Dispatcher runs, the output checked, purge guarded.
 */
class DeadLetterCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReminderApp app = new ReminderApp();
    private final Cli cli = new Cli(app.exchange);

    @AfterEach
    void close() throws Exception {
        app.close();
    }

    @Test
    void twoHundredDeadLettersWithThreeReasonsAreFilteredAndAHundredRedrivenWhileTheDispatcherRuns() throws Exception {
        app.post(0, 100, "bug");
        app.post(100, 60, "reject");
        app.postUnmappable(40);
        app.awaitDeadLettered(200);

        JsonNode all = json(cli.run("dead-letters", "list", "--channel", app.channel, "--limit", "500", "--json"));
        assertThat(all.get("total").asInt()).isEqualTo(200);
        assertThat(count(all, "handler-failed")).isEqualTo(100);
        assertThat(count(all, "rejected")).isEqualTo(60);
        assertThat(count(all, "unacceptable")).isEqualTo(40);
        JsonNode failed = json(cli.run("dead-letters", "list", "--channel", app.channel, "--reason", "handler-failed",
                "--limit", "3", "--json"));
        assertThat(failed.get("matched").asInt()).isEqualTo(100);
        assertThat(failed.get("entries")).hasSize(3);
        assertThat(failed.get("entries").get(0).get("detail").asText()).contains("template 'reminder-v2' missing");
        assertThat(failed.get("entries").get(0).get("exceptionType").asText()).isEqualTo("java.lang.IllegalStateException");

        Cli.Result table = cli.run("dead-letters", "list", "--channel", app.channel, "--reason", "rejected",
                "--limit", "2");
        assertThat(table.code()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Channel " + app.channel + ": 200 dead letter(s), 60 matching (reason=rejected)");
        assertThat(lines.get(1)).startsWith("#  MESSAGE ID").contains("TYPE", "REASON", "ATTEMPTS", "REDRIVES",
                "DEAD-LETTERED AT", "DETAIL");
        assertThat(lines.get(2)).startsWith("1  ").contains("rejected", "no such user for reminder");
        assertThat(lines.get(3)).startsWith("2  ");
        assertThat(lines.get(4)).isEqualTo("(58 more: --offset 2)");

        app.deployFix();
        Cli.Result redrive = cli.run("dead-letters", "redrive", "--channel", app.channel, "--reason", "handler-failed");
        assertThat(redrive.code()).as(redrive.toString()).isZero();
        assertThat(redrive.out()).isEqualTo("100 dead letter(s) redriven from '" + app.channel + "' (200 read)\n");
        assertThat(redrive.err()).contains("progress: 200/200 read, 100 redriven");

        Await.until(Duration.ofSeconds(30), () -> "100 reminders handled, found " + app.distinctHandled(),
                () -> app.distinctHandled() == 100);
        assertThat(app.handled.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList());
        assertThat(app.handled.values()).as("each handled once").allMatch(c -> c == 1);
        JsonNode rest = json(cli.run("dead-letters", "list", "--channel", app.channel, "--limit", "500", "--json"));
        assertThat(rest.get("total").asInt()).as("the other 100 untouched").isEqualTo(100);
        assertThat(count(rest, "rejected")).isEqualTo(60);
        assertThat(count(rest, "unacceptable")).isEqualTo(40);
        assertThat(app.totalHandled()).as("no duplicate (no fault in this run)").isEqualTo(100);
    }

    @Test
    void showPrintsTheReasonHeadersAndBodyButNoCredential() throws Exception {
        app.post(0, 1, "bug");
        app.awaitDeadLettered(1);
        String id = app.deadLetters().list(app.channel, DeadLetterFilter.ALL, 0, 1).entries().get(0).messageId();

        Cli.Result shown = cli.run("dead-letters", "show", "--channel", app.channel, "--id", id);

        assertThat(shown.code()).as(shown.toString()).isZero();
        assertThat(shown.out()).contains("messageId       " + id, "reason          handler-failed",
                "attempts        1", "\"email\" : \"user0@example.com\"", "body (application/json");
        assertThat(shown.out() + shown.err()).doesNotContain("guest:guest");
        JsonNode json = json(cli.run("dead-letters", "show", "--channel", app.channel, "--id", id, "--json"));
        assertThat(json.get("body").get("n").asInt()).isZero();
        assertThat(json.get("headers").has("courier-type")).isTrue();

        Cli.Result missing = cli.run("dead-letters", "show", "--channel", app.channel, "--id", "nope");
        assertThat(missing.code()).isEqualTo(CourierCli.NOT_FOUND);
        assertThat(missing.err()).contains("no dead letter with message id nope");
    }

    @Test
    void purgeAsksFirstUnlessYesAndRedriveOfEverythingNeedsAll() {
        app.post(0, 3, "reject");
        app.post(3, 2, "bug");
        app.awaitDeadLettered(5);

        Cli.Result declined = cli.runWithInput("no\n", "dead-letters", "purge", "--channel", app.channel,
                "--reason", "rejected");
        assertThat(declined.code()).isEqualTo(CourierCli.DECLINED);
        assertThat(declined.err()).contains("Purge 3 dead letter(s) of channel '" + app.channel + "' (reason=rejected)",
                "not confirmed; nothing purged");
        app.awaitDeadLetters(5);

        Cli.Result confirmed = cli.runWithInput("purge\n", "dead-letters", "purge", "--channel", app.channel,
                "--reason", "rejected");
        assertThat(confirmed.code()).as(confirmed.toString()).isZero();
        assertThat(confirmed.out()).startsWith("3 dead letter(s) purged");
        app.awaitDeadLetters(2);

        Cli.Result unguarded = cli.run("dead-letters", "redrive", "--channel", app.channel);
        assertThat(unguarded.code()).isEqualTo(CourierCli.USAGE);
        assertThat(unguarded.err()).contains("only with --all");

        Cli.Result yes = cli.run("dead-letters", "purge", "--channel", app.channel, "--all", "--yes", "--json");
        assertThat(yes.code()).as(yes.toString()).isZero();
        assertThat(yes.err()).doesNotContain("Purge");
        app.awaitDeadLetters(0);
    }

    @Test
    void badSettingsAndAnUnknownChannelAreClearErrors() {
        Cli.Result noChannel = cli.run("dead-letters", "list", "--channel", app.channel + "-typo");
        assertThat(noChannel.code()).isEqualTo(CourierCli.FAILED);
        assertThat(noChannel.err()).contains("'" + app.channel + "-typo.dead-letters' does not exist");

        Cli.Result badTime = cli.run("dead-letters", "list", "--channel", app.channel, "--since", "yesterday");
        assertThat(badTime.code()).isEqualTo(CourierCli.USAGE);
        assertThat(badTime.err()).contains("--since 'yesterday' is not an ISO-8601 instant");

        Cli.Result noBroker = new Cli(app.exchange).with("COURIER_AMQP_URI", "").run("dead-letters", "list",
                "--channel", app.channel);
        assertThat(noBroker.code()).isEqualTo(CourierCli.USAGE);
        assertThat(noBroker.err()).contains("No amqp.uri given: use --amqp-uri, the environment variable COURIER_AMQP_URI");

        Cli.Result wrongPassword = cli.run("dead-letters", "list", "--channel", app.channel, "--amqp-uri",
                "amqp://guest:hunter2-secret@127.0.0.1:5672/%2F");
        assertThat(wrongPassword.code()).isEqualTo(CourierCli.FAILED);
        assertThat(wrongPassword.out() + wrongPassword.err()).doesNotContain("hunter2");
    }

    private static JsonNode json(Cli.Result result) throws Exception {
        assertThat(result.code()).as(result.toString()).isZero();
        return JSON.readTree(result.out());
    }

    private static long count(JsonNode list, String reason) {
        List<JsonNode> entries = new ArrayList<>();
        list.get("entries").forEach(entries::add);
        return entries.stream().filter(e -> e.get("reason").asText().equals(reason)).count();
    }
}
