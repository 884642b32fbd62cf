package dev.courier.transport.rabbitmq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh {@link RabbitMqTransportFixture} per test, closed (and its queues and exchanges deleted) after it. */
abstract class WithRabbitMqFixture {
    RabbitMqTransportFixture fixture;

    @BeforeEach
    void connect() {
        fixture = new RabbitMqTransportFixture();
    }

    @AfterEach
    void cleanUp() {
        fixture.close();
    }
}
