package dev.courier.transport.rabbitmq.internal;

import com.rabbitmq.client.AMQP;

/**
 * What a consumer needs to settle a message it handed out: the delivery tag, the channel generation the tag belongs
 * to (a tag from before a reconnect is stale), the original properties and the count the consumer computed.
 */
public record Receipt(Object owner, long deliveryTag, long generation, AMQP.BasicProperties properties,
        int handledCount) {
    @Override
    public String toString() {
        return "Receipt[tag=" + deliveryTag + ", generation=" + generation + "]";
    }
}
