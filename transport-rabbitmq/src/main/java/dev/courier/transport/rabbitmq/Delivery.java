package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.transport.rabbitmq.internal.Receipt;
import dev.courier.transport.rabbitmq.internal.Topology;
import dev.courier.transport.rabbitmq.internal.WireFormat;
import java.util.Map;

/**
 * A delivery as the client handed it to a {@link RabbitMqConsumer}, read into a {@link Message} only when taken (on
 * the pump's or the listener's thread, never on the connection's), with the channel generation it arrived in.
 */
record Delivery(long generation, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {

    /** The message, with a receipt of {@code owner} to settle it by. */
    Message toMessage(RabbitMqConsumer owner, Topology topology, ChannelSpec spec, int maxBodySize) {
        Map<String, Object> headers = properties.getHeaders();
        // A requeued copy comes back out of the delay levels addressed to this queue; anything published to the
        // topic's exchange is a new message, whatever count header its producer wrote. The routing key of a
        // delivery from the levels is the delay's bits, never a topic.
        boolean delayed = topology.fromDelayLevels(envelope.getExchange());
        int count = WireFormat.handledCount(delayed, headers, spec.channel());
        Message message = WireFormat.toMessage(properties, body, delayed ? null : envelope.getRoutingKey(),
                spec.topic(), count, maxBodySize);
        return message.withReceipt(new Receipt(owner, envelope.getDeliveryTag(), generation, properties, count));
    }
}
