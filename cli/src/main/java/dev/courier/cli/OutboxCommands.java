package dev.courier.cli;

import static dev.courier.cli.DeadLetterCommands.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.courier.cli.CourierCli.SettingsException;
import dev.courier.spi.OutboxEntry;
import dev.courier.spi.OutboxQuery;
import dev.courier.spi.OutboxState;
import dev.courier.spi.OutboxStats;
import dev.courier.store.jdbc.JdbcOutbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code courier outbox list|stats|repost}. */
@Command(name = "outbox", description = "Query the outbox and repost its messages.", mixinStandardHelpOptions = true,
        subcommands = {OutboxCommands.ListCommand.class, OutboxCommands.Stats.class, OutboxCommands.Repost.class})
final class OutboxCommands {
    private static final int PAGE = 500;

    @Command(name = "list", description = "List outbox messages in one state, oldest first.", mixinStandardHelpOptions = true)
    static final class ListCommand implements Callable<Integer> {
        @Mixin Settings settings;
        @Option(names = "--state", defaultValue = "outstanding", description = "outstanding, parked or dispatched (default outstanding).") String state;
        @Option(names = "--topic", description = "Only this topic.") String topic;
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default 50, at most 10000).") int limit;
        @Option(names = "--after", paramLabel = "CURSOR", description = "The next page: the cursor the previous page printed.") String after;

        @Override
        public Integer call() throws IOException {
            OutboxQuery query = query(state, topic, limit);
            if (after != null) {
                String[] parts = after.split("/", 2);
                try {
                    query = new OutboxQuery(query.state(), query.topic(), null, null, Instant.parse(parts[0]),
                            UUID.fromString(parts[1]), query.limit());
                } catch (RuntimeException e) {
                    throw new SettingsException("--after '" + after + "' is not a cursor printed by outbox list "
                            + "(<instant>/<message id>)");
                }
            }
            List<OutboxEntry> entries = settings.outbox().query(query);
            PrintWriter out = settings.out();
            String next = entries.size() == limit ? cursor(entries.get(entries.size() - 1)) : null;
            if (settings.json) {
                ObjectNode root = JSON.createObjectNode().put("state", query.state().name().toLowerCase(Locale.ROOT));
                ArrayNode rows = root.putArray("entries");
                for (OutboxEntry e : entries) {
                    rows.addObject().put("messageId", e.message().id().toString()).put("topic", e.message().topic())
                            .put("type", type(e)).put("createdAt", e.createdAt().toString())
                            .put("dispatchedAt", e.dispatchedAt() == null ? null : e.dispatchedAt().toString())
                            .put("refusals", e.refusals()).put("lastRefusal", e.lastRefusal());
                }
                root.put("next", next);
                out.println(JSON.writeValueAsString(root));
                return CourierCli.OK;
            }
            Table table = new Table("MESSAGE ID", "TOPIC", "TYPE", "CREATED AT", "DISPATCHED AT", "REFUSALS", "LAST REFUSAL");
            for (OutboxEntry e : entries) {
                table.row(e.message().id(), e.message().topic(), type(e), e.createdAt(),
                        e.dispatchedAt() == null ? "" : e.dispatchedAt(), e.refusals(), e.lastRefusal());
            }
            table.print(out);
            if (next != null) {
                out.println("(next page: --after " + next + ")");
            }
            return CourierCli.OK;
        }
    }

    @Command(name = "stats", description = "Counts per state and the oldest outstanding message's age.",
            mixinStandardHelpOptions = true)
    static final class Stats implements Callable<Integer> {
        @Mixin Settings settings;

        @Override
        public Integer call() throws IOException {
            OutboxStats stats = settings.outbox().stats();
            String age = stats.oldestOutstanding()
                    .map(at -> Duration.between(at, Instant.now()).toSeconds() + " s").orElse("");
            if (settings.json) {
                settings.out().println(JSON.writeValueAsString(JSON.createObjectNode()
                        .put("outstanding", stats.outstanding()).put("parked", stats.parked())
                        .put("dispatched", stats.dispatched())
                        .put("oldestOutstanding", stats.oldestOutstanding().map(Instant::toString).orElse(null))));
                return CourierCli.OK;
            }
            new Table("OUTSTANDING", "PARKED", "DISPATCHED", "OLDEST OUTSTANDING", "AGE")
                    .row(stats.outstanding(), stats.parked(), stats.dispatched(),
                            stats.oldestOutstanding().map(Instant::toString).orElse("-"), age)
                    .print(settings.out());
            return CourierCli.OK;
        }
    }

    @Command(name = "repost", description = "Make messages outstanding again: the application's sweeper sends them.",
            mixinStandardHelpOptions = true)
    static final class Repost implements Callable<Integer> {
        @Mixin Settings settings;
        @Option(names = "--id", split = ",", paramLabel = "MESSAGE-ID", description = "These messages.") Set<UUID> ids;
        @Option(names = "--state", description = "Every message in this state (parked or dispatched); needs --all.") String state;
        @Option(names = "--topic", description = "With --state: only this topic.") String topic;
        @Option(names = "--all", description = "Confirms a repost by --state.") boolean all;

        @Override
        public Integer call() throws IOException {
            JdbcOutbox outbox = settings.outbox();
            int reposted;
            if (ids != null && !ids.isEmpty()) {
                reposted = outbox.markOutstanding(ids);
            } else if (state != null && all) {
                reposted = 0;
                OutboxQuery query = query(state, topic, PAGE);
                if (query.state() == OutboxState.OUTSTANDING) {
                    throw new SettingsException("--state outstanding: those are sent already by the sweeper");
                }
                // Page by cursor; each page's rows become outstanding and leave the state, so the cursor only moves on.
                for (List<OutboxEntry> page = outbox.query(query); !page.isEmpty(); page = outbox.query(query)) {
                    List<UUID> pageIds = new ArrayList<>();
                    page.forEach(e -> pageIds.add(e.message().id()));
                    reposted += outbox.markOutstanding(pageIds);
                    query = query.nextPage(page.get(page.size() - 1));
                }
            } else {
                throw new SettingsException("repost needs --id, or --state parked|dispatched with --all");
            }
            if (settings.json) {
                settings.out().println(JSON.writeValueAsString(JSON.createObjectNode().put("reposted", reposted)));
            } else {
                settings.out().println(reposted + " message(s) outstanding again; the sweeper sends them on its next pass");
            }
            return CourierCli.OK;
        }
    }

    static OutboxQuery query(String state, String topic, int limit) {
        OutboxState parsed;
        try {
            parsed = OutboxState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("--state '" + state + "' is not one of outstanding, parked, dispatched");
        }
        return OutboxQuery.builder(parsed, limit).topic(topic).build();
    }

    private static String cursor(OutboxEntry last) {
        return last.createdAt() + "/" + last.message().id();
    }

    private static String type(OutboxEntry e) {
        String requestType = e.message().header().bag().get("courier-type");
        return requestType != null ? requestType : e.message().header().messageType().name();
    }
}
