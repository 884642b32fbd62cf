package dev.courier.transport.rabbitmq;

import dev.courier.test.contract.TransportContract;
import dev.courier.test.contract.TransportFixture;
import java.time.Duration;

/** core's transport contract on a real RabbitMQ. */
class RabbitMqTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture() {
        return new RabbitMqTransportFixture();
    }

    @Override
    protected Duration delay() {
        return Duration.ofMillis(500);
    }
}
