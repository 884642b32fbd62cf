package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ProducerException;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.CommandProcessor;
import dev.courier.spi.ChannelSpec;
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

    @Test
    void aReplyGoesOnlyToAReplyQueueNeverToATopicsWorkQueue() {
        try (RabbitMqTransportFixture fixture = new RabbitMqTransportFixture()) {
            String victim = fixture.uniqueTopic("victim");
            ChannelSpec victimChannel = fixture.subscription(victim);            // someone's work queue
            Message aimedAtVictim = new Message(MessageHeader.builder(UUID.randomUUID(), victim, MessageType.REPLY)
                    .correlationId(UUID.randomUUID()).build(), MessageBody.json("{}"));

            assertThatThrownBy(() -> fixture.producer().send(aimedAtVictim).join())
                    .hasCauseInstanceOf(ProducerException.class).hasMessageContaining("not a reply address");
            assertThatThrownBy(() -> fixture.producer().sendUnconfirmed(aimedAtVictim).join())
                    .hasCauseInstanceOf(ProducerException.class).hasMessageContaining("not a reply address");
            try (com.rabbitmq.client.Connection raw = TestBroker.rawConnection();
                    com.rabbitmq.client.Channel amqp = raw.createChannel()) {
                assertThat(amqp.messageCount(victimChannel.channel())).as("the victim's work queue").isZero();
            } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e);
            }

            // A message of another type that names a reply address as its topic finds no binding: reply queues
            // are reached through the default exchange only.
            String address = Reply.ADDRESS_PREFIX + UUID.randomUUID();
            try (CommandProcessor processor = CommandProcessor.builder()
                    .mappers(new MessageMappers().reply(Answer.class)).producers(Producers.of(fixture.producer()))
                    .replyChannel(fixture.transport()).replyAddress(address).build()) {
                Message forged = new Message(MessageHeader.builder(UUID.randomUUID(), address, MessageType.COMMAND)
                        .build(), MessageBody.json("{}"));
                assertThatThrownBy(() -> fixture.producer().send(forged).join()).hasMessageContaining("could not be routed");
                assertThat(processor.droppedReplies()).isZero();
            } finally {
                TestBroker.deleteAll(address, java.util.List.of());
            }
        }
    }
}
