package dev.courier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.courier.cli.CourierCli.SettingsException;
import dev.courier.runtime.DeadLetters;
import dev.courier.spi.DeadLetterEntry;
import dev.courier.spi.DeadLetterFilter;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code courier dead-letters list|show|redrive|move|purge}. */
@Command(name = "dead-letters", description = "Inspect, redrive, move and purge a channel's dead letters.",
        mixinStandardHelpOptions = true,
        subcommands = {DeadLetterCommands.ListCommand.class, DeadLetterCommands.Show.class, DeadLetterCommands.Redrive.class,
                DeadLetterCommands.Move.class, DeadLetterCommands.Purge.class})
final class DeadLetterCommands {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The options that choose dead letters, shared by every subcommand that takes several. */
    static final class Selection {
        @Option(names = "--channel", required = true, description = "The channel (its dead letters: <channel>.dead-letters).")
        String channel;

        @Option(names = "--reason", description = "Only this reason: handler-failed, rejected, unacceptable, no-recipient, broker.")
        String reason;

        @Option(names = "--type", description = "Only this request type (class name, full or simple) or message type.")
        String type;

        @Option(names = "--since", paramLabel = "INSTANT", description = "Dead-lettered at or after (ISO-8601, e.g. 2026-12-05T10:00:00Z).")
        String since;

        @Option(names = "--until", paramLabel = "INSTANT", description = "Dead-lettered before (ISO-8601).")
        String until;

        @Option(names = "--id", paramLabel = "MESSAGE-ID", split = ",", description = "Only these message ids.")
        Set<String> ids;

        DeadLetterFilter filter() {
            return new DeadLetterFilter(reason, type, instant(since, "--since"), instant(until, "--until"), ids);
        }

        boolean narrowed() {
            return reason != null || type != null || since != null || until != null || (ids != null && !ids.isEmpty());
        }

        private static Instant instant(String text, String option) {
            try {
                return text == null ? null : Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new SettingsException(option + " '" + text + "' is not an ISO-8601 instant such as "
                        + "2026-12-05T10:00:00Z");
            }
        }
    }

    @Command(name = "list", description = "List dead letters, oldest first.", mixinStandardHelpOptions = true)
    static final class ListCommand implements Callable<Integer> {
        @Mixin Settings settings;
        @Mixin Selection selection;
        @Option(names = "--offset", defaultValue = "0", description = "Skip this many matching ones (default 0).") int offset;
        @Option(names = "--limit", defaultValue = "50", description = "Show at most this many (default 50).") int limit;

        @Override
        public Integer call() throws IOException {
            try (RabbitMqTransport rabbit = settings.rabbit()) {
                DeadLetters.Page page = DeadLetters.over(rabbit.deadLetterQueue())
                        .list(selection.channel, selection.filter(), offset, limit);
                PrintWriter out = settings.out();
                if (settings.json) {
                    ObjectNode root = JSON.createObjectNode().put("channel", selection.channel)
                            .put("total", page.total()).put("matched", page.matched());
                    ArrayNode entries = root.putArray("entries");
                    page.entries().forEach(e -> entries.add(summary(e)));
                    out.println(JSON.writeValueAsString(root));
                    return CourierCli.OK;
                }
                out.printf("Channel %s: %d dead letter(s), %d matching (%s)%n", selection.channel, page.total(),
                        page.matched(), selection.filter().describe());
                Table table = new Table("#", "MESSAGE ID", "TYPE", "REASON", "ATTEMPTS", "REDRIVES", "DEAD-LETTERED AT",
                        "DETAIL");
                int n = offset;
                for (DeadLetterEntry e : page.entries()) {
                    table.row(++n, e.messageId(), type(e), e.reason().reason(), e.reason().attempts(), e.redriveCount(),
                            e.reason().at(), e.reason().detail());
                }
                table.print(out);
                if (offset + page.entries().size() < page.matched()) {
                    out.printf("(%d more: --offset %d)%n", page.matched() - offset - page.entries().size(),
                            offset + page.entries().size());
                }
                return CourierCli.OK;
            }
        }
    }

    @Command(name = "show", description = "Show one dead letter: reason, headers, body.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin Settings settings;
        @Option(names = "--channel", required = true, description = "The channel.") String channel;
        @Option(names = "--id", required = true, paramLabel = "MESSAGE-ID", description = "The message id.") String id;

        @Override
        public Integer call() throws IOException {
            try (RabbitMqTransport rabbit = settings.rabbit()) {
                Optional<DeadLetterEntry> found = DeadLetters.over(rabbit.deadLetterQueue()).show(channel, id);
                if (found.isEmpty()) {
                    settings.err().println("courier: no dead letter with message id " + id + " in channel '" + channel + "'");
                    return CourierCli.NOT_FOUND;
                }
                DeadLetterEntry e = found.get();
                ObjectNode detail = summary(e);
                ObjectNode headers = detail.putObject("headers");
                e.message().header().bag().forEach((name, value) -> {
                    if (!DeadLetterEntry.isDeadLetterHeader(name)) {
                        headers.put(name, Redaction.header(name, value));
                    }
                });
                detail.put("contentType", e.message().body().contentType());
                detail.set("body", body(e));
                PrintWriter out = settings.out();
                if (settings.json) {
                    out.println(JSON.writeValueAsString(detail));
                    return CourierCli.OK;
                }
                Table table = new Table("FIELD", "VALUE");
                for (String field : new String[] {"messageId", "channel", "topic", "type", "reason", "detail",
                        "exceptionType", "attempts", "deadLetteredAt", "redrives"}) {
                    table.row(field, detail.path(field).asText());
                }
                table.print(out);
                out.println("headers:");
                headers.fields().forEachRemaining(h -> out.println("  " + h.getKey() + ": " + h.getValue().asText()));
                out.println("body (" + e.message().body().contentType() + ", " + e.message().body().size() + " bytes):");
                JsonNode body = detail.get("body");
                out.println(body.isTextual() ? body.asText() : JSON.writeValueAsString(body));
                return CourierCli.OK;
            }
        }
    }

    @Command(name = "redrive", description = "Send dead letters back to their channel, with a fresh attempt count.",
            mixinStandardHelpOptions = true)
    static final class Redrive implements Callable<Integer> {
        @Mixin Settings settings;
        @Mixin Selection selection;
        @Option(names = "--all", description = "Take every dead letter of the channel (without it, a filter is required).") boolean all;
        @Option(names = "--rate", defaultValue = "0", paramLabel = "PER-SECOND", description = "At most this many a second (default 0: no limit).") int rate;

        @Override
        public Integer call() throws IOException {
            return redrive(settings, selection, all, null, rate);
        }
    }

    @Command(name = "move", description = "Move dead letters to another channel's queue.", mixinStandardHelpOptions = true)
    static final class Move implements Callable<Integer> {
        @Mixin Settings settings;
        @Mixin Selection selection;
        @Option(names = "--to", required = true, paramLabel = "CHANNEL", description = "The channel to move them to.") String to;
        @Option(names = "--all", description = "Take every dead letter of the channel (without it, a filter is required).") boolean all;

        @Override
        public Integer call() throws IOException {
            return redrive(settings, selection, all, to, 0);
        }
    }

    @Command(name = "purge", description = "Delete dead letters for good (asks first unless --yes).",
            mixinStandardHelpOptions = true)
    static final class Purge implements Callable<Integer> {
        @Mixin Settings settings;
        @Mixin Selection selection;
        @Option(names = "--all", description = "Take every dead letter of the channel (without it, a filter is required).") boolean all;
        @Option(names = "--yes", description = "Do not ask.") boolean yes;

        @Override
        public Integer call() throws IOException {
            requireSelection(selection, all, "purge");
            try (RabbitMqTransport rabbit = settings.rabbit()) {
                DeadLetters deadLetters = DeadLetters.over(rabbit.deadLetterQueue());
                if (!yes) {
                    long matched = deadLetters.list(selection.channel, selection.filter(), 0, 1).matched();
                    settings.err().printf("Purge %d dead letter(s) of channel '%s' (%s) for good? Type 'purge' to "
                            + "confirm: ", matched, selection.channel, selection.filter().describe());
                    settings.err().flush();
                    String answer = settings.cli().in.readLine();
                    if (answer == null || !answer.strip().equals("purge")) {
                        settings.err().println();
                        settings.err().println("courier: not confirmed; nothing purged (use --yes in scripts)");
                        return CourierCli.DECLINED;
                    }
                }
                DeadLetters.Report report = deadLetters.purge(selection.channel, selection.filter());
                report(settings, "purged", selection.channel, null, report);
                return CourierCli.OK;
            }
        }
    }

    private static int redrive(Settings settings, Selection selection, boolean all, String to, int rate)
            throws IOException {
        requireSelection(selection, all, to == null ? "redrive" : "move");
        try (RabbitMqTransport rabbit = settings.rabbit()) {
            Progress progress = new Progress(settings.err(), settings.cli().interactive, to == null ? "redriven" : "moved");
            DeadLetters.Report report = DeadLetters.over(rabbit.deadLetterQueue())
                    .redrive(selection.channel, selection.filter(), to, progress, rate);
            progress.done();
            report(settings, to == null ? "redriven" : "moved", selection.channel, to, report);
            return CourierCli.OK;
        }
    }

    private static void requireSelection(Selection selection, boolean all, String action) {
        if (!all && !selection.narrowed()) {
            throw new SettingsException(action + " takes every dead letter of '" + selection.channel + "' only with "
                    + "--all; or narrow it with --reason, --type, --since, --until or --id");
        }
    }

    private static void report(Settings settings, String what, String channel, String to, DeadLetters.Report report)
            throws IOException {
        if (settings.json) {
            ObjectNode root = JSON.createObjectNode().put("channel", channel).put("read", report.read())
                    .put(what, report.taken());
            if (to != null) {
                root.put("to", to);
            }
            settings.out().println(JSON.writeValueAsString(root));
        } else {
            settings.out().printf("%d dead letter(s) %s from '%s'%s (%d read)%n", report.taken(), what, channel,
                    to == null ? "" : " to '" + to + "'", report.read());
        }
    }

    static ObjectNode summary(DeadLetterEntry e) {
        ObjectNode node = JSON.createObjectNode().put("messageId", e.messageId()).put("channel", e.channel())
                .put("topic", e.message().topic()).put("type", type(e)).put("reason", e.reason().reason())
                .put("detail", Redaction.maskUris(e.reason().detail())).put("exceptionType", e.reason().exceptionType())
                .put("attempts", e.reason().attempts()).put("deadLetteredAt", e.reason().at().toString())
                .put("redrives", e.redriveCount());
        return node;
    }

    private static String type(DeadLetterEntry e) {
        String requestType = e.message().header().bag().get("courier-type");
        return requestType != null ? requestType : e.message().header().messageType().name();
    }

    /** The body as JSON with credentials masked, or as text, or as a note for binary bodies. */
    private static JsonNode body(DeadLetterEntry e) {
        byte[] bytes = e.message().body().unsafeBytes();
        String contentType = e.message().body().contentType();
        if (contentType.contains("json")) {
            try {
                return Redaction.json(JSON.readTree(bytes));
            } catch (IOException notJson) {
                // shown as text below
            }
        }
        if (contentType.startsWith("text/") || contentType.contains("json") || contentType.contains("xml")) {
            return JSON.getNodeFactory().textNode(Redaction.maskUris(new String(bytes, StandardCharsets.UTF_8)));
        }
        return JSON.getNodeFactory().textNode("(" + bytes.length + " bytes of " + contentType + ", not shown)");
    }

}
