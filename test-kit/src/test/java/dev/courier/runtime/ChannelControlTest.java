package dev.courier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ChannelState;
import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.Subscription;
import dev.courier.internal.ControlMessages;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.Transport;
import dev.courier.test.InMemoryCourier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChannelControl}: status, shut and open from outside, every instance answering; what it refuses. */
class ChannelControlTest {
    record Job(UUID id) implements Command {}

    private static final byte[] SECRET = ChannelControl.secret("a secret of 32 characters, or so");
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a test watches for a reply that must not come. */
    private static final Duration QUIET = Duration.ofMillis(300);

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    private Dispatcher dispatcher(String... channels) {
        Transport transport = courier.transport();
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Job.class, job -> {}))
                .mappers(new MessageMappers().json(Job.class, "jobs")).producers(Producers.of(transport)).build());
        Dispatcher.Builder builder = Dispatcher.builder().processor(processor);
        for (String channel : channels) {
            builder.subscription(Subscription.builder("jobs", Job.class).channel(channel).transport(transport).build());
        }
        return courier.closeAfter(builder.build().start());
    }

    @Test
    void everyInstanceAnswersAStatusAndAShutAndAnOpenActOnTheNamedChannel() {
        Dispatcher first = dispatcher("jobs.a", "jobs.b");
        Dispatcher second = dispatcher("jobs.c");
        courier.closeAfter(ChannelControl.start(first, courier.transport(), "tasks", "pod-1", SECRET));
        courier.closeAfter(ChannelControl.start(second, courier.transport(), "tasks", "pod-2", SECRET));

        List<ChannelControl.InstanceReply> status = request("status", null, 2);
        assertThat(status).extracting(ChannelControl.InstanceReply::instance).containsExactlyInAnyOrder("pod-1", "pod-2");
        assertThat(reply(status, "pod-1").channels()).extracting(ChannelState::channel).containsExactly("jobs.a", "jobs.b");

        List<ChannelControl.InstanceReply> shut = request("shut", "jobs.b", 2);
        assertThat(reply(shut, "pod-1").error()).isEmpty();
        assertThat(first.state("jobs.b").status()).isEqualTo(ChannelState.Status.STOPPED);
        assertThat(first.state("jobs.b").reason()).isEqualTo("shut by operator");
        assertThat(first.state("jobs.a").status()).isEqualTo(ChannelState.Status.RUNNING);
        assertThat(reply(shut, "pod-2").error()).hasValueSatisfying(e -> assertThat(e).contains("No channel 'jobs.b'"));

        request("open", "jobs.b", 2);
        assertThat(first.state("jobs.b").status()).isEqualTo(ChannelState.Status.RUNNING);
    }

    @Test
    void aRequestWithoutTheSecretIsIgnoredAndChangesNothing() {
        Dispatcher dispatcher = dispatcher("jobs.a");
        courier.closeAfter(ChannelControl.start(dispatcher, courier.transport(), "tasks", "pod-1", SECRET));

        List<ChannelControl.InstanceReply> replies = ChannelControl.request(courier.transport(), "tasks",
                ChannelControl.secret("another secret of 32 characters"), "shut", "jobs.a", QUIET);
        request("status", null, 1); // answered after the refused one: the control thread takes requests in order

        assertThat(replies).isEmpty();
        assertThat(dispatcher.state("jobs.a").status()).isEqualTo(ChannelState.Status.RUNNING);
    }

    @Test
    void aReplayedOrStaleRequestIsRefused() {
        Dispatcher dispatcher = dispatcher("jobs.a");
        courier.closeAfter(ChannelControl.start(dispatcher, courier.transport(), "tasks", "pod-1", SECRET));
        String replyTo = Reply.ADDRESS_PREFIX + "test." + UUID.randomUUID();
        MessageConsumer replies = courier.transport().createConsumer(new ChannelSpec(replyTo, replyTo, 10));

        Message shut = ControlMessages.request("courier.control.tasks", "shut", "jobs.a", replyTo, SECRET,
                Instant.now());
        courier.transport().producer().send(shut).join();
        assertThat(receive(replies, WAIT)).as("the first one is obeyed and answered").isNotNull();
        dispatcher.open("jobs.a");

        courier.transport().producer().send(shut).join();
        Message stale = ControlMessages.request("courier.control.tasks", "shut", "jobs.a", replyTo, SECRET,
                Instant.now().minus(Duration.ofMinutes(5)));
        courier.transport().producer().send(stale).join();
        request("status", null, 1); // answered after those two: the control thread takes requests in order
        assertThat(receive(replies, Duration.ZERO)).as("neither the replay nor the stale one").isNull();
        assertThat(dispatcher.state("jobs.a").status()).isEqualTo(ChannelState.Status.RUNNING);
        replies.close();
    }

    @Test
    void aShortSecretOrABadNameIsRefusedAtStart() {
        Dispatcher dispatcher = dispatcher("jobs.a");
        assertThatThrownBy(() -> ChannelControl.start(dispatcher, courier.transport(), "tasks", "pod-1",
                ChannelControl.secret("short")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 bytes but has 5");
        assertThatThrownBy(() -> ChannelControl.start(dispatcher, courier.transport(), "tasks app", "pod-1", SECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("application");
    }

    private List<ChannelControl.InstanceReply> request(String action, String channel, int instances) {
        List<ChannelControl.InstanceReply> replies = ChannelControl.request(courier.transport(), "tasks", SECRET,
                action, channel, WAIT, instances);
        assertThat(replies).as("replies to " + action).hasSize(instances);
        return replies;
    }

    private static ChannelControl.InstanceReply reply(List<ChannelControl.InstanceReply> replies, String instance) {
        return replies.stream().filter(r -> r.instance().equals(instance)).findFirst().orElseThrow(
                () -> new AssertionError("no reply from " + instance + " in " + replies));
    }

    private static Message receive(MessageConsumer replies, Duration timeout) {
        Message reply = replies.receive(timeout);
        if (reply != null) {
            replies.acknowledge(reply);
        }
        return reply;
    }
}
