package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.test.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The incident of docs/operations.md, on a real RabbitMQ with a running Dispatcher: a handler bug dead-letters 500
 * reminders; a fix is deployed; the operator inspects, redrives and verifies with the tool. Then the same redrive
 * with the tool killed (SIGKILL) part-way and run again: nothing lost, at most one handled twice.
 */
class RedriveIncidentTest {
    private static final Pattern PROGRESS = Pattern.compile("progress: (\\d+)/(\\d+) read, (\\d+) redriven");

    private final ReminderApp app = new ReminderApp();
    private final Cli cli = app.cli();

    @AfterEach
    void close() throws Exception {
        app.close();
    }

    @Test
    void theIncidentOfTheOperationsGuide() {
        app.post(0, 500, "bug");
        app.awaitDeadLettered(500);

        Cli.Result status = step("channels", "status", "--app", app.exchange, "--instances", "1");
        assertThat(status.out()).containsPattern("pod-1 +" + Pattern.quote(app.channel) + " +RUNNING +2 +0 +0 +500");
        Cli.Result list = step("dead-letters", "list", "--channel", app.channel, "--limit", "3");
        assertThat(list.out()).contains("500 dead letter(s), 500 matching (all)", "handler-failed",
                "template 'reminder-v2' missing", "(497 more: --offset 3)");
        String id = list.out().lines().toList().get(2).split(" +")[1];
        Cli.Result show = step("dead-letters", "show", "--channel", app.channel, "--id", id);
        assertThat(show.out()).contains("exceptionType   java.lang.IllegalStateException");

        app.deployFix();
        Cli.Result redrive = step("dead-letters", "redrive", "--channel", app.channel, "--reason", "handler-failed");
        assertThat(redrive.out()).contains("500 dead letter(s) redriven");

        Await.until(Duration.ofSeconds(30), () -> "500 handled, found " + app.distinctHandled(),
                () -> app.distinctHandled() == 500);
        Cli.Result after = step("dead-letters", "list", "--channel", app.channel);
        assertThat(after.out()).startsWith("Channel " + app.channel + ": 0 dead letter(s)");
        Await.until(Duration.ofSeconds(10), () -> "500 acknowledged",
                () -> app.dispatcher.state(app.channel).acknowledged() == 500);
        Cli.Result verified = step("channels", "status", "--app", app.exchange, "--instances", "1");
        assertThat(verified.out()).containsPattern("RUNNING +2 +500 +0 +500");
        assertThat(app.totalHandled()).as("each reminder handled once").isEqualTo(500);
    }

    @Test
    void aRedriveKilledPartWayLosesNothingAndRepeatsAtMostOneMessage() throws Exception {
        app.post(0, 500, "bug");
        app.awaitDeadLettered(500);
        app.deployFix();

        Process tool = startTool("dead-letters", "redrive", "--channel", app.channel, "--reason", "handler-failed",
                "--rate", "100");
        List<String> errLines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(tool.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    errLines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process is gone
            }
        });
        reader.start();
        try {
            Await.until(Duration.ofSeconds(60), () -> "the tool to redrive 100, it printed " + errLines,
                    () -> redriven(errLines) >= 100);
        } finally {
            tool.destroyForcibly(); // SIGKILL: no shutdown hook, no close; the broker sees the connection drop
        }
        assertThat(tool.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(5_000);
        int before = redriven(errLines);
        assertThat(before).as("killed part-way").isBetween(100, 499);

        // The killed tool held at most one dead letter; the broker gives it back once it sees the connection gone,
        // which may come after a new browse began: redrive again until every reminder is handled and none is left.
        List<String> runs = new CopyOnWriteArrayList<>();
        Await.until(Duration.ofSeconds(60), () -> "every reminder handled and no dead letter left; runs " + runs,
                () -> {
                    Cli.Result again = cli.run("dead-letters", "redrive", "--channel", app.channel, "--reason",
                            "handler-failed");
                    assertThat(again.code()).as(again.toString()).isZero();
                    runs.add(again.out().strip());
                    return app.distinctHandled() == 500 && app.deadLetters().count(app.channel) == 0;
                });
        Await.until(Duration.ofSeconds(10), () -> "the dispatcher to acknowledge every handling",
                () -> app.dispatcher.state(app.channel).acknowledged() == app.totalHandled());
        int duplicates = app.totalHandled() - 500;
        System.out.printf("killed after %d redriven; then %s; lost 0, duplicates %d%n", before, runs, duplicates);
        assertThat(duplicates).as("at most the one message copied but not yet acknowledged when killed")
                .isBetween(0, 1);
    }

    private Cli.Result step(String... args) {
        Cli.Result result = cli.run(args);
        System.out.println("$ courier " + String.join(" ", args) + "\n" + result.out() + result.err());
        assertThat(result.code()).as(result.toString()).isZero();
        return result;
    }

    private Process startTool(String... args) throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String classpath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(Path.of("target/classpath.txt")).strip();
        List<String> command = new java.util.ArrayList<>(List.of(javaCommand, "-cp", classpath, CourierCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(cli.environment());
        return builder.start();
    }

    private static int redriven(List<String> lines) {
        int last = 0;
        for (String line : lines) {
            Matcher m = PROGRESS.matcher(line);
            if (m.find()) {
                last = Integer.parseInt(m.group(3));
            }
        }
        return last;
    }
}
