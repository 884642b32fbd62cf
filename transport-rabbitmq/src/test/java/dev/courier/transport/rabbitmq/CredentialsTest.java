package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ChannelFailureException;
import dev.courier.test.TestServices;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void aUriIsTakenApartWithItsVirtualHostAndDefaultPorts() {
        AmqpAddress plain = AmqpAddress.parse("amqp://app:s%40cret@rabbit.example.com/%2F");
        AmqpAddress tls = AmqpAddress.parse("amqps://app:pw@rabbit.example.com/prod");

        assertThat(plain).isEqualTo(new AmqpAddress(false, "rabbit.example.com", 5672, "/", "app", "s@cret"));
        assertThat(tls).isEqualTo(new AmqpAddress(true, "rabbit.example.com", 5671, "prod", "app", "pw"));
        assertThatThrownBy(() -> AmqpAddress.parse("http://app:topsecret@host/")).hasMessageContaining("amqp://")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> AmqpAddress.parse("amqp://app:topsecret@host/a/b")).hasMessageNotContaining("topsecret");
    }

    @Test
    void toStringNeverShowsThePassword() {
        RabbitMqConfig config = RabbitMqConfig.of("amqp://app:topsecret@rabbit.example.com:5673/prod");

        assertThat(config.toString()).contains("app:****@rabbit.example.com:5673/prod").doesNotContain("topsecret");
        assertThat(config.address().toString()).doesNotContain("topsecret");
        assertThat(AmqpAddress.mask("amqp://app:topsecret@host/")).isEqualTo("amqp://app:****@host/");
    }

    @Test
    void aMalformedUriNeverQuotesItsPasswordWhateverIsWrongWithIt() {
        for (String uri : new String[] {"amqp:/u:PW-7731@h", "amqp:u:PW-7731@h/", "u:PW-7731@h:5672",
                "amqps//u:PW-7731@h/prod", "AMQP:/u:PW-7731@h", "amqp:///u:PW-7731@h", "amqp://u:PW-7731@/",
                "amqp://u:PW-7731@h:99999/", "http//u:PW-7731@h", "amqp://u:p/W-7731@h/"}) {
            assertThatThrownBy(() -> RabbitMqConfig.of(uri)).as(uri)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("PW").hasMessageNotContaining("7731");
            assertThat(AmqpAddress.mask(uri)).as(uri).doesNotContain("PW").doesNotContain("7731");
        }
    }

    @Test
    void aMalformedEscapeInThePasswordIsNamedWithoutQuotingAnyOfIt() {
        assertThatThrownBy(() -> AmqpAddress.parse("amqp://app:top%zzsecret@host/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not a valid AMQP URI").hasMessageContaining("app:****@host")
                .hasMessageNotContaining("zz").hasMessageNotContaining("secret");
    }

    @Test
    void aRefusedLoginWithAnEmptyPasswordKeepsTheBrokersReasonReadable() {
        InetSocketAddress broker = TestServices.address(TestBroker.uri(), 5672);
        String uri = "amqp://no-such-user-7731:@" + broker.getHostString() + ":" + broker.getPort() + "/%2F";

        assertThatThrownBy(() -> RabbitMqTransport.connect(RabbitMqConfig.of(uri)))
                .isInstanceOf(ChannelFailureException.class)
                .hasMessageStartingWith("Cannot connect to RabbitMQ at amqp://no-such-user-7731:****@")
                .satisfies(e -> assertThat(e.getMessage().substring(e.getMessage().indexOf("%2F: ")))
                        .doesNotContain("****"));
    }

    @Test
    void aRefusedLoginNamesTheMaskedAddressButNotThePassword() {
        InetSocketAddress broker = TestServices.address(TestBroker.uri(), 5672);
        String uri = "amqp://guest:wrong-Secret-42@" + broker.getHostString() + ":" + broker.getPort() + "/%2F";

        assertThatThrownBy(() -> RabbitMqTransport.connect(RabbitMqConfig.of(uri)))
                .isInstanceOf(ChannelFailureException.class)
                .hasMessageContaining("guest:****@")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("wrong-Secret-42");
                    }
                });
    }
}
