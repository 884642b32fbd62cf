package dev.courier.transport.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import dev.courier.message.Message;
import java.util.Objects;

/**
 * What a consumer needs to settle a message it handed out: the delivery tag, the channel generation the tag belongs
 * to (a tag from before a reconnect is stale), the original properties and the count the consumer computed.
 */
public record Receipt(Object owner, long deliveryTag, long generation, AMQP.BasicProperties properties,
        int handledCount) {
    /**
     * The receipt of {@code message}, which {@code owner}, a consumer of {@code queue}, handed out.
     *
     * @throws IllegalArgumentException when {@code owner} did not receive it
     */
    public static Receipt of(Message message, Object owner, String queue) {
        Objects.requireNonNull(message, "message");
        if (!(message.receipt() instanceof Receipt receipt) || receipt.owner() != owner) {
            throw new IllegalArgumentException("Message " + message.id() + " on topic '" + message.topic()
                    + "' was not received by this consumer of queue '" + queue + "'");
        }
        return receipt;
    }

    @Override
    public String toString() {
        return "Receipt[tag=" + deliveryTag + ", generation=" + generation + "]";
    }
}
