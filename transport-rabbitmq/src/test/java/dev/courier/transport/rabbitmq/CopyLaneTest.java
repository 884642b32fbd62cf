package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The copy lane under a memory alarm, against the real broker: a copy whose confirm does not come in time stays
 * outstanding, and its fate (here: returned, unroutable) is never taken for a later copy's. A copy asked for while an
 * earlier one is still unconfirmed is not published at all, so a blocked broker does not pile up copies.
 */
class CopyLaneTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    @Test
    void aLateReturnOfACopyThatTimedOutIsNotBlamedOnTheNext() throws Exception {
        String queue = "courier-test-copy-lane-" + UUID.randomUUID();
        String nowhere = "courier-test-copy-lane-nowhere-" + UUID.randomUUID();
        String watermark = TestBroker.ctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").strip();
        try (Connection admin = TestBroker.rawConnection(); Connection publishing = TestBroker.rawConnection()) {
            try (Channel channel = admin.createChannel()) {
                channel.queueDeclare(queue, true, false, false, null);
            }
            AtomicBoolean blocked = new AtomicBoolean();
            publishing.addBlockedListener(new BlockedListener() {
                @Override
                public void handleBlocked(String reason) {
                    blocked.set(true);
                }

                @Override
                public void handleUnblocked() {
                    blocked.set(false);
                }
            });
            // Opened before the alarm, as the transport does; told of the block as the transport's connections are.
            CopyLane lane = new CopyLane(publishing, () -> blocked.get() ? "blocked by the test's alarm" : null);
            TestBroker.ctl("set_vm_memory_high_watermark", "0.0000001");
            try {
                // Unroutable: once the broker reads it, it is returned, then confirmed.
                assertThatThrownBy(() -> lane.copy("", nowhere, PERSISTENT, bytes("one"), Duration.ofSeconds(1)))
                        .isInstanceOf(TimeoutException.class).hasMessageContaining("no confirm of the copy");
                assertThat(blocked).as("the publishing connection blocked by the alarm").isTrue();
                assertThatThrownBy(() -> lane.copy("", queue, PERSISTENT, bytes("two"), Duration.ofMillis(500)))
                        .isInstanceOf(TimeoutException.class).hasMessageContaining("earlier copy")
                        .hasMessageContaining("not published");
            } finally {
                TestBroker.ctl("set_vm_memory_high_watermark", watermark);
            }
            // Straight after the alarm clears, the first copy's return and confirm are still to come, behind or
            // ahead of the third copy; the third must not take them for its own.
            lane.copy("", queue, PERSISTENT, bytes("three"), WAIT);
            lane.copy("", queue, PERSISTENT, bytes("four"), WAIT);
            assertThat(drain(admin, queue)).as("only the copies the lane reported taken, once each")
                    .containsExactly("three", "four");
        } finally {
            TestBroker.ctl("set_vm_memory_high_watermark", watermark);
            try (Connection admin = TestBroker.rawConnection(); Channel channel = admin.createChannel()) {
                channel.queueDelete(queue);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> drain(Connection connection, String queue) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            for (GetResponse got = channel.basicGet(queue, true); got != null; got = channel.basicGet(queue, true)) {
                bodies.add(new String(got.getBody(), StandardCharsets.UTF_8));
            }
        }
        return bodies;
    }
}
