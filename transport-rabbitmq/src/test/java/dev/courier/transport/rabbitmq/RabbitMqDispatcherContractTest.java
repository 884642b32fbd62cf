package dev.courier.transport.rabbitmq;

import dev.courier.test.contract.DispatcherContract;
import dev.courier.test.contract.TransportFixture;

/** The pump decision table, end to end through the Dispatcher on a real RabbitMQ. */
class RabbitMqDispatcherContractTest extends DispatcherContract {
    @Override
    protected TransportFixture createFixture() {
        return new RabbitMqTransportFixture();
    }
}
