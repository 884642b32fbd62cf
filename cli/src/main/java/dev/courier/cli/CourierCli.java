package dev.courier.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code courier} command-line tool. Exit codes (docs/operations.md): {@value #OK} done; {@value #FAILED} the
 * broker or database failed or refused (the message says what and where; a redrive that stopped part-way says how
 * far it got); {@value #USAGE} bad flags or settings; {@value #DECLINED} a purge not confirmed, nothing done;
 * {@value #NOT_FOUND} no such dead letter, or no instance answered.
 */
@Command(name = "courier", mixinStandardHelpOptions = true, version = "courier 0.1.0",
        description = "Operate Courier: dead letters, the outbox, a running Dispatcher's channels.",
        subcommands = {DeadLetterCommands.class, OutboxCommands.class, ChannelCommands.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the broker or database failed or refused", "2:bad flags or settings",
                "3:not confirmed, nothing done", "4:not found, or no instance answered"})
public final class CourierCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int DECLINED = 3;
    public static final int NOT_FOUND = 4;

    final Map<String, String> environment;
    final BufferedReader in;
    final boolean interactive;

    CourierCli(Map<String, String> environment, BufferedReader in, boolean interactive) {
        this.environment = environment;
        this.in = in;
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        CourierCli cli = new CourierCli(System.getenv(),
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.console() != null);
        System.exit(run(cli, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with {@code cli}'s environment and input, writing to {@code out} and {@code err}. */
    static int run(CourierCli cli, PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(cli);
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            boolean usage = e instanceof IllegalArgumentException || e instanceof SettingsException;
            commandLine.getErr().println("courier: " + (usage ? "" : "error: ") + Redaction.maskUris(
                    String.valueOf(e.getMessage())));
            commandLine.getErr().flush();
            return usage ? USAGE : FAILED;
        });
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** A setting that is missing or wrong: exit {@value #USAGE}. */
    static final class SettingsException extends RuntimeException {
        SettingsException(String message) {
            super(message);
        }
    }
}
