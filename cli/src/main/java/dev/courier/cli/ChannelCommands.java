package dev.courier.cli;

import static dev.courier.cli.DeadLetterCommands.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.courier.ChannelState;
import dev.courier.Reply;
import dev.courier.runtime.ChannelControl;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import dev.courier.transport.rabbitmq.TopologyMode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code courier channels status|shut|open}: through {@link ChannelControl}, which the application must start. */
@Command(name = "channels", description = "See and steer the channels of a running application's Dispatchers.",
        mixinStandardHelpOptions = true,
        subcommands = {ChannelCommands.Status.class, ChannelCommands.Shut.class, ChannelCommands.Open.class})
final class ChannelCommands {

    /** What every channels command takes. */
    static final class Target {
        @Option(names = "--app", required = true, description = "The application name its ChannelControl was started with.")
        String app;

        @Option(names = "--wait", defaultValue = "3", paramLabel = "SECONDS",
                description = "How long to collect answers (default 3).")
        int waitSeconds;

        @Option(names = "--instances", defaultValue = "0", paramLabel = "N",
                description = "Stop waiting once this many instances answered (default 0: wait --wait seconds).")
        int instances;
    }

    @Command(name = "status", description = "Every instance's channels and their states.", mixinStandardHelpOptions = true)
    static final class Status implements Callable<Integer> {
        @Mixin Settings settings;
        @Mixin Target target;

        @Override
        public Integer call() throws IOException {
            return control(settings, target, "status", null);
        }
    }

    /** What {@code shut} and {@code open} share: a channel to act on. */
    abstract static class ChannelAction implements Callable<Integer> {
        @Mixin Settings settings;
        @Mixin Target target;
        @Option(names = "--channel", required = true, description = "The channel.") String channel;

        @Override
        public Integer call() throws IOException {
            return control(settings, target, action(), channel);
        }

        abstract String action();
    }

    @Command(name = "shut", description = "Stop a channel's pumps (they finish the message in hand).",
            mixinStandardHelpOptions = true)
    static final class Shut extends ChannelAction {
        @Override
        String action() {
            return "shut";
        }
    }

    @Command(name = "open", description = "Start a shut or paused channel again.", mixinStandardHelpOptions = true)
    static final class Open extends ChannelAction {
        @Override
        String action() {
            return "open";
        }
    }

    private static int control(Settings settings, Target target, String action, String channel) throws IOException {
        byte[] secret = ChannelControl.secret(settings.required(null, "COURIER_CONTROL_SECRET", "control.secret",
                "(no flag: keep it out of shell history)"));
        List<ChannelControl.InstanceReply> replies;
        String replyTo = Reply.ADDRESS_PREFIX + "courier-cli." + UUID.randomUUID();
        try (RabbitMqTransport rabbit = settings.rabbit(TopologyMode.CREATE)) {
            try {
                replies = ChannelControl.request(rabbit, target.app, secret, action, channel,
                        Duration.ofSeconds(target.waitSeconds), target.instances, replyTo);
            } finally {
                rabbit.deleteChannel(replyTo); // the tool's reply queue is its own: leave nothing behind
            }
        }
        if (settings.json) {
            ArrayNode root = JSON.createArrayNode();
            for (ChannelControl.InstanceReply reply : replies) {
                ObjectNode node = root.addObject().put("instance", reply.instance())
                        .put("error", reply.error().orElse(null));
                ArrayNode channels = node.putArray("channels");
                for (ChannelState s : reply.channels()) {
                    channels.addObject().put("channel", s.channel()).put("topic", s.topic())
                            .put("status", s.status().name()).put("reason", s.reason()).put("performers", s.performers())
                            .put("acknowledged", s.acknowledged()).put("requeued", s.requeued())
                            .put("deadLettered", s.deadLettered()).put("endpoint", s.endpoint());
                }
            }
            settings.out().println(JSON.writeValueAsString(root));
        } else {
            Table table = new Table("INSTANCE", "CHANNEL", "STATUS", "PERFORMERS", "ACKNOWLEDGED", "REQUEUED",
                    "DEAD-LETTERED", "REASON");
            for (ChannelControl.InstanceReply reply : replies) {
                reply.error().ifPresent(e -> settings.err().println(reply.instance() + ": " + e));
                for (ChannelState s : reply.channels()) {
                    table.row(reply.instance(), s.channel(), s.status(), s.performers(), s.acknowledged(),
                            s.requeued(), s.deadLettered(), s.reason());
                }
            }
            table.print(settings.out());
        }
        if (replies.isEmpty()) {
            settings.err().println("courier: no instance of '" + target.app + "' answered within " + target.waitSeconds
                    + " s (is its ChannelControl started, with the same secret and exchange?)");
            return CourierCli.NOT_FOUND;
        }
        boolean failed = replies.stream().allMatch(r -> r.error().isPresent());
        return failed ? CourierCli.FAILED : CourierCli.OK;
    }
}
