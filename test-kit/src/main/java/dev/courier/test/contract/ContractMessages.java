package dev.courier.test.contract;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** The messages the store contracts keep and read back: one with everything set, and a plain one. */
final class ContractMessages {
    private ContractMessages() {}

    /** A message with every header field set, a bag with awkward values, and a body with every byte value. */
    static Message full(String topic) {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), topic, MessageType.EVENT)
                .timestamp(Instant.parse("2025-12-31T23:59:59.123456789Z"))
                .correlationId(UUID.randomUUID())
                .replyTo("replies.caller-7")
                .partitionKey("customer-42")
                .handledCount(3)
                .delay(Duration.ofMillis(1500).plusNanos(7))
                .bag(Map.of("tenant", "acme", "quote\"and,comma", "{\"json\": [1, 2]}", "unicode", "grüße ✓", "empty", ""))
                .build();
        return new Message(header, MessageBody.of(bytes, "application/x-test; v=2"));
    }

    /** A command with a small JSON body, stamped 2026-01-01T00:00:00Z. */
    static Message plain(String topic) {
        return new Message(MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND)
                .timestamp(Instant.parse("2026-01-01T00:00:00Z")).build(), MessageBody.json("{\"n\":1}"));
    }
}
