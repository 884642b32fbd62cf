package dev.courier.samples.jobs;

import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Transport;
import dev.courier.test.Rabbitmqctl;
import dev.courier.test.TestServices;
import dev.courier.test.contract.TransportFixture;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** RabbitMQ for the mailbox tests of this module: its own exchange; every queue it made deleted on close. */
final class RabbitFixture implements TransportFixture {
    final String prefix = "jobs-test-" + UUID.randomUUID().toString().substring(0, 8);
    final RabbitMqTransport transport;
    private MessageProducer producer;

    RabbitFixture() {
        TestServices.requireRabbitMqAndPostgres();
        transport = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(TestServices.RABBITMQ_URI).exchange(prefix)
                .recoveryInterval(Duration.ofMillis(500)).build());
    }

    @Override
    public synchronized MessageProducer producer() {
        if (producer == null) {
            producer = transport.producer();
        }
        return producer;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public List<Message> deadLetters(ChannelSpec channel) {
        throw new UnsupportedOperationException("the mailbox tests read no dead letters");
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public void passTime(Duration duration) {}

    @Override
    public String uniqueTopic(String base) {
        return prefix + "-" + base + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
        transport.close();
        List<String> queues = new ArrayList<>();
        for (String line : Rabbitmqctl.run("list_queues", "-q", "--no-table-headers", "name").split("\n")) {
            if (line.strip().contains(prefix)) {
                queues.add(line.strip());
            }
        }
        try {
            RabbitMqTransport.deleteTopology(TestServices.RABBITMQ_URI, prefix, queues.toArray(String[]::new));
        } catch (Exception e) {
            throw new AssertionError("cannot clean up " + prefix, e);
        }
    }
}
