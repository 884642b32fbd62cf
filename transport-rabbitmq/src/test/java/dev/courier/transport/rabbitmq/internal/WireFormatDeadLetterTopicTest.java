package dev.courier.transport.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.LongStringHelper;
import dev.courier.spi.DeadLetterReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the dead-letter tools read where a dead letter was going when it carries no topic header, from headers shaped
 * as the client hands them over (strings as {@code LongString}, {@code x-death} a list of tables, latest first).
 */
class WireFormatDeadLetterTopicTest {

    private static Map<String, Object> death(String queue, String... routingKeys) {
        return Map.of("queue", LongStringHelper.asLongString(queue), "reason", LongStringHelper.asLongString("rejected"),
                "routing-keys", List.of(routingKeys).stream().map(LongStringHelper::asLongString).toList());
    }

    @Test
    void theOldestDeathKeepsTheRoutingKeyTheMessageWasPublishedWith() {
        // Dead-lettered from the work queue, then again from a queue a user shovelled it to: the latest comes first.
        Map<String, Object> headers = Map.of("x-death", List.of(death("parking", "orders.dead-letters"),
                death("orders", "orders.placed")));

        assertThat(WireFormat.deadLetterTopic(headers)).isEqualTo("orders.placed");
    }

    @Test
    void aDelayedPostsTargetAndCouriersOwnRecordComeBeforeTheBrokers() {
        Map<String, Object> levels = Map.of("x-death", List.of(death("courier.delay-level.03", "0.0.1.0")));

        assertThat(WireFormat.deadLetterTopic(Map.of("courier-delay-target", LongStringHelper.asLongString("orders"),
                "x-death", levels.get("x-death")))).as("the levels' keys are the delay's bits").isEqualTo("orders");
        assertThat(WireFormat.deadLetterTopic(Map.of(DeadLetterReason.ORIGINAL_TOPIC,
                LongStringHelper.asLongString("orders"), "x-death", levels.get("x-death")))).isEqualTo("orders");
    }

    @Test
    void nothingUsableReadsAsNoneWithoutThrowing() {
        assertThat(WireFormat.deadLetterTopic(null)).isNull();
        assertThat(WireFormat.deadLetterTopic(Map.of())).isNull();
        assertThat(WireFormat.deadLetterTopic(Map.of("x-death", "forged"))).isNull();
        assertThat(WireFormat.deadLetterTopic(Map.of("x-death", List.of()))).isNull();
        assertThat(WireFormat.deadLetterTopic(Map.of("x-death", List.of("not a table")))).isNull();
        assertThat(WireFormat.deadLetterTopic(Map.of("x-death", List.of(Map.of("routing-keys", List.of()))))).isNull();
        assertThat(WireFormat.deadLetterTopic(Map.of("x-death", List.of(Map.of("routing-keys", "orders"))))).isNull();
        assertThat(WireFormat.deadLetterTopic(Map.of("x-death", List.of(death("orders", " "))))).isNull();
    }
}
