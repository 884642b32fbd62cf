package dev.courier.transport.rabbitmq;

import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A consumer in a process of its own, for the "killed mid-handle" test: takes one message, says so on stdout, and
 * then hangs as if its handler were still running, until it is killed. Arguments: broker URI, exchange, topic.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {}

    public static void main(String[] args) {
        RabbitMqTransport transport = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(args[0])
                .exchange(args[1]).connectionName("courier-test-child").build());
        RabbitMqConsumer consumer = transport.createConsumer(ChannelSpec.of(args[2]));
        System.out.println("READY");
        System.out.flush();
        Message message = null;
        while (message == null) {
            message = consumer.receive(Duration.ofMillis(200));
        }
        System.out.println("RECEIVED " + message.id());
        System.out.flush();
        while (true) {
            LockSupport.park(); // "handling" forever: the parent kills us with SIGKILL
        }
    }
}
