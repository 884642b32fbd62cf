package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.CommandProcessor;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.message.MessageMappers;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A processor's reply queue is short-lived: non-durable and expiring, so processes that come and go leave no queues. */
class RabbitMqReplyQueueTest {
    record Answer(UUID id, UUID correlationId) implements Reply {}

    @Test
    void aReplyQueueIsNonDurableAndExpiresWhenUnused() {
        String address = Reply.ADDRESS_PREFIX + UUID.randomUUID();
        try (RabbitMqTransportFixture fixture = new RabbitMqTransportFixture();
                CommandProcessor processor = CommandProcessor.builder()
                        .mappers(new MessageMappers().reply(Answer.class))
                        .producers(Producers.of(fixture.producer()))
                        .replyChannel(fixture.transport()).replyAddress(address).build()) {
            assertThat(processor.replyAddress()).hasValue(address);
            String queues = TestBroker.ctl("list_queues", "-q", "name", "durable", "arguments");
            String line = queues.lines().filter(l -> l.startsWith(address + "\t")).findFirst().orElseThrow(
                    () -> new AssertionError("no reply queue " + address + " in:\n" + queues));
            assertThat(line).contains("\tfalse\t").contains("x-expires");
            String deadLetters = queues.lines().filter(l -> l.startsWith(address + ".dead-letters\t")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dead-letter queue for " + address));
            assertThat(deadLetters).contains("x-expires");
        } finally {
            TestBroker.deleteAll(address, java.util.List.of());
        }
    }
}
