package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.Request;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Scenario 13: six 50 MB messages (over the default maxBodySize of 16 MiB, together more than the consumer's whole
 * 256 MB heap) queued among good ones before a consumer process with prefetch 50 starts. Every good message is
 * handled once, each huge one reaches the dead letters once, whole, and the consumer never runs out of memory.
 */
class HugeMessagesScenarioTest {
    private static final int HUGE = 6;
    private static final int HUGE_BYTES = 50 * 1024 * 1024;
    private static final int GOOD = Scale.pick(20, 200);
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void hugeMessagesAtConsumerStartAreDeadLetteredOnceWhileTheGoodOnesFlow() throws Exception {
        long begun = System.nanoTime();
        try (Rig rig = new Rig()) {
            Set<UUID> good = new HashSet<>();
            Set<String> huge = new HashSet<>();
            byte[] body = new byte[HUGE_BYTES];
            try (Connection connection = Services.rawConnection(rig.prefix + "-huge");
                    Channel channel = connection.createChannel()) {
                channel.confirmSelect();
                for (int i = 0; i < GOOD; i++) {
                    Work work = new Work(Request.newId(), i);
                    rig.processor.post(work);
                    good.add(work.id());
                    if (i % (GOOD / HUGE) == 0 && huge.size() < HUGE) {
                        String id = UUID.randomUUID().toString();
                        channel.basicPublish(rig.exchange, rig.topic, true, new AMQP.BasicProperties.Builder()
                                .messageId(id).deliveryMode(2).contentType("application/json").build(), body);
                        channel.waitForConfirmsOrDie(60_000);
                        huge.add(id);
                    }
                }
            }
            assertThat(huge).hasSize(HUGE);
            Map<String, String> options = rig.nodeOptions("small-heap"); // Node starts it with -Xmx256m
            options.put("prefetch", "50");
            boolean alive;
            try (Node node = Node.start(options)) {
                rig.awaitDrain(GOOD, WAIT);
                Await.until(WAIT, HUGE + " dead letters", () -> rig.deadLetters() == HUGE);
                alive = node.alive();
                assertThat(node.stop()).as("the consumer stopped cleanly").isTrue();
                assertThat(Files.readString(node.log())).doesNotContain("OutOfMemoryError");
            }
            List<String> dead = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            try (Connection connection = Services.rawConnection(rig.prefix + "-inspect");
                    Channel channel = connection.createChannel()) {
                GetResponse response;
                while ((response = channel.basicGet(RabbitMqTransport.deadLetterQueue(rig.topic), true)) != null) {
                    dead.add(response.getProps().getMessageId());
                    sizes.add(response.getBody().length);
                }
            }
            Map<UUID, Integer> handlings = rig.handled.handlings();
            Set<UUID> lost = rig.lost(good, handlings);
            long duplicates = Rig.duplicates(handlings);
            new Figures("13 huge messages at consumer start", GOOD + HUGE, GOOD + HUGE, handlings.size(), lost.size(),
                    duplicates, dead.size(), Duration.ofNanos(System.nanoTime() - begun), HUGE + " x 50 MB among "
                            + GOOD + " good, consumer -Xmx256m prefetch 50; consumer alive throughout: " + alive
                            + "; dead letters distinct " + new HashSet<>(dead).size() + ", whole: "
                            + sizes.stream().allMatch(n -> n == HUGE_BYTES)).report();
            assertThat(lost).as("good messages lost").isEmpty();
            assertThat(duplicates).as("duplicates (nothing crashed, nothing comes back)").isZero();
            assertThat(alive).as("the consumer survived").isTrue();
            assertThat(dead).as("each huge message dead-lettered once").containsExactlyInAnyOrderElementsOf(huge);
            assertThat(sizes).as("dead letters kept whole").allMatch(n -> n == HUGE_BYTES);
        }
    }
}
