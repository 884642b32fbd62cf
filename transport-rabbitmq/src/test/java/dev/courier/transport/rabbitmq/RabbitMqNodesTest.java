package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.confirm;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.message;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.receive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.test.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several nodes (a cluster's) in one config, and the escape hatch to the client's ConnectionFactory. Parsing is
 * checked offline; connecting with a dead node in the list, and a customizer applied after Courier's settings,
 * against the real broker.
 */
class RabbitMqNodesTest {

    @Test
    void aUriMayListSeveralNodesThatShareItsCredentialsAndVirtualHost() {
        RabbitMqConfig config = RabbitMqConfig.of("amqp://app:s3cret@r1:5681,r2,r3:5683/prod");

        assertThat(config.addresses()).containsExactly(
                new AmqpAddress(false, "r1", 5681, "prod", "app", "s3cret"),
                new AmqpAddress(false, "r2", 5672, "prod", "app", "s3cret"),
                new AmqpAddress(false, "r3", 5683, "prod", "app", "s3cret"));
        assertThat(config.address()).isEqualTo(config.addresses().get(0));
        assertThat(config.toString()).contains("nodes=r1:5681, r2:5672, r3:5683").doesNotContain("s3cret");
    }

    @Test
    void nodesReplaceTheHostAndKeepTheRest() {
        RabbitMqConfig config = RabbitMqConfig.builder().uri("amqps://app:pw@ignored/prod")
                .nodes("r1:5691", "r2").build();

        assertThat(config.addresses()).containsExactly(new AmqpAddress(true, "r1", 5691, "prod", "app", "pw"),
                new AmqpAddress(true, "r2", 5671, "prod", "app", "pw"));
        assertThatThrownBy(() -> RabbitMqConfig.builder().uri("amqp://h/").nodes("r1:x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 'r1:x'");
        assertThatThrownBy(() -> RabbitMqConfig.builder().nodes("r1").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("uri(...) or address(...)");
    }

    @Test
    void badHostListsAndQueryParametersAreRefusedWithoutThePassword() {
        assertThatThrownBy(() -> RabbitMqConfig.of("amqp://app:PW-9917@r1,,r3/prod"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty entry")
                .hasMessageNotContaining("PW-9917");
        assertThatThrownBy(() -> RabbitMqConfig.of("amqp://app:PW-9917@r1:5672/prod?heartbeat=5&channel_max=9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query parameters are not read (heartbeat, channel_max)")
                .hasMessageContaining("connectionFactory").hasMessageNotContaining("PW-9917");
        assertThatThrownBy(() -> RabbitMqConfig.of("amqp://app:PW-9917@r1,r2:70000/prod"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("PW-9917");
    }

    @Test
    void aDeadNodeInTheListIsPassedOverAndMessagesFlow() throws Exception {
        AmqpAddress live = RabbitMqConfig.of(TestBroker.uri()).address();
        int dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = socket.getLocalPort(); // closed again: nothing listens there
        }
        // The client shuffles the list on every connection: connect a few times so that the dead node comes first
        // in some of them; every one must reach the live node.
        for (int i = 0; i < 4; i++) {
            RabbitMqTransportFixture fixture = new RabbitMqTransportFixture(b -> b.nodes("127.0.0.1:" + dead,
                    live.host() + ":" + live.port()).connectionTimeout(Duration.ofSeconds(2)));
            try {
                assertThat(fixture.transport().config().addresses()).hasSize(2);
                ChannelSpec spec = fixture.subscription(fixture.uniqueTopic("nodes"));
                RabbitMqConsumer consumer = fixture.consumer(spec);
                Message sent = message(spec.topic());
                confirm(fixture.producer().send(sent));
                assertThat(receive(consumer).id()).isEqualTo(sent.id());
                assertThat(consumer.endpoint()).as("the node it reads from")
                        .isEqualTo(InetAddress.getByName(live.host()).getHostAddress() + ":" + live.port());
            } finally {
                fixture.close();
            }
        }
    }

    @Test
    void theConnectionFactoryCustomizerRunsAfterCourierSettings() {
        String name = "courier-customized-" + System.nanoTime();
        RabbitMqTransportFixture fixture = new RabbitMqTransportFixture(b -> b.connectionName(name)
                .heartbeat(Duration.ofSeconds(30)).connectionFactory(factory -> factory.setRequestedHeartbeat(7)));
        try {
            Await.until(Duration.ofSeconds(10), () -> "the broker to list the connections of " + name,
                    () -> heartbeats(name).size() == 2);
            assertThat(heartbeats(name)).as("heartbeat the broker agreed, per connection").containsOnly("7");
        } finally {
            fixture.close();
        }
    }

    private static List<String> heartbeats(String name) {
        return TestBroker.ctl("list_connections", "-q", "--no-table-headers", "client_properties", "timeout")
                .lines().filter(line -> line.contains(name)).map(line -> line.trim().replaceAll(".*\\s", ""))
                .toList();
    }
}
