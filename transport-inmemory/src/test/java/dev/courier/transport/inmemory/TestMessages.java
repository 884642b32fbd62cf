package dev.courier.transport.inmemory;

import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import java.time.Duration;
import java.util.UUID;

/** Small builders for this module's tests. */
final class TestMessages {
    private TestMessages() {}

    static Message command(String topic, String text) {
        return new Message(MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND).build(),
                MessageBody.text(text));
    }

    static Message delayed(String topic, String text, Duration delay) {
        Message message = command(topic, text);
        return message.withHeader(message.header().withDelay(delay));
    }

    static ChannelSpec subscription(String topic, String channel) {
        return new ChannelSpec(topic, channel, ChannelSpec.DEFAULT_PREFETCH);
    }
}
