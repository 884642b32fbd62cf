package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Transport;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SubscriptionTest {
    record Job(UUID id) implements Command {}

    private static final Transport TRANSPORT = new Transport() {
        @Override
        public MessageProducer producer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public MessageConsumer createConsumer(ChannelSpec channel) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void aSetterCalledAsAStatementTakesEffect() {
        Subscription.Builder builder = Subscription.builder("jobs", Job.class).transport(TRANSPORT);
        builder.performers(4);                // a statement, as a new user writes it
        builder.prefetch(50);
        Subscription subscription = builder.build();
        assertThat(subscription.performers()).isEqualTo(4);
        assertThat(subscription.channelSpec()).isEqualTo(new ChannelSpec("jobs", "jobs", 50));
    }

    @Test
    void aSubscriptionWithoutATransportIsRefusedNamingItsTopicAndChannel() {
        assertThatThrownBy(() -> Subscription.builder("jobs", Job.class).channel("jobs.work").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'jobs'").hasMessageContaining("'jobs.work'").hasMessageContaining("transport");
    }

    @Test
    void everySetterNamesItsBadValue() {
        Subscription.Builder builder = Subscription.builder("jobs", Job.class);
        assertThatThrownBy(() -> builder.performers(0)).hasMessage("performers must be between 1 and 1024 but was 0");
        assertThatThrownBy(() -> builder.requeueDelay(Duration.ofSeconds(-1)))
                .hasMessage("requeueDelay must not be negative but was PT-1S");
        assertThatThrownBy(() -> builder.channel(" ")).hasMessage("channel must not be blank");
        assertThatThrownBy(() -> new ChannelSpec("jobs", "jobs", 0))
                .hasMessageContaining("prefetch of channel 'jobs'").hasMessageContaining("0");
    }

    @Test
    void toBuilderMakesAChangedCopyAndLeavesTheOriginalAlone() {
        Subscription original = Subscription.builder("jobs", Job.class).transport(TRANSPORT).build();
        Subscription changed = original.toBuilder().requeueCount(0).build();
        assertThat(original.requeueCount()).isEqualTo(3);
        assertThat(changed.requeueCount()).isZero();
        assertThat(changed.transport()).isSameAs(TRANSPORT);
    }
}
