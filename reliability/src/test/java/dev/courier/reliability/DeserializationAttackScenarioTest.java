package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8: messages that name a class outside the type registry (as the type header, and as a Jackson
 * {@code @class} property) load no such class, which the {@link Canary}'s static initializer would reveal; a body
 * nested 2,000 levels deep is dead-lettered by the JSON depth limit, without a StackOverflowError; the pump keeps
 * running. That no such class was loaded (not only not initialised) is asked of the class loaders themselves.
 */
class DeserializationAttackScenarioTest {
    @Test
    void aPayloadNamingAClassOutsideTheRegistryLoadsNothingAndADeeplyNestedBodyIsRejected() throws Exception {
        long started = System.nanoTime();
        String canary = "dev.courier.reliability.Canary";
        try (Rig rig = new Rig()) {
            AtomicInteger handled = new AtomicInteger();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class, work -> handled.incrementAndGet());
            // The nesting sits in a property Work does not have: Jackson skips such a value token by token, so
            // the parser's depth limit (JsonLimits.maxNestingDepth) is what must stop it, not a type mismatch.
            String deep = "{\"id\":\"" + UUID.randomUUID() + "\",\"n\":1,\"extra\":" + "[".repeat(2000)
                    + "]".repeat(2000) + "}";
            List<String[]> attacks = List.of(
                    new String[] {canary, "{\"id\":\"" + UUID.randomUUID() + "\",\"n\":1}"},
                    new String[] {"Work", "{\"@class\":\"" + canary + "\",\"id\":\"" + UUID.randomUUID()
                            + "\",\"n\":{\"@class\":\"" + canary + "\"}}"},
                    new String[] {"Work", "[\"" + canary + "\",{\"id\":\"" + UUID.randomUUID() + "\",\"n\":1}]"},
                    new String[] {"Work", deep});
            String typeName = rig.mappers().registration(Work.class).name();
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(rig.producer)).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .subscription(rig.subscription().build()).build().start();
                    Connection raw = Services.rawConnection(rig.prefix + "-attacker");
                    Channel channel = raw.createChannel()) {
                for (String[] attack : attacks) {
                    String type = attack[0].equals("Work") ? typeName : attack[0];
                    channel.basicPublish(rig.exchange, rig.topic, new AMQP.BasicProperties.Builder()
                            .messageId(UUID.randomUUID().toString()).contentType("application/json")
                            .headers(Map.of("courier-type", type)).build(), attack[1].getBytes(StandardCharsets.UTF_8));
                }
                Await.until(Duration.ofSeconds(30), "every attack dead-lettered",
                        () -> rig.deadLetters() == attacks.size());
                rig.processor.post(new Work(UUID.randomUUID(), 1));
                Await.until(Duration.ofSeconds(30), "a good message handled after the attacks",
                        () -> handled.get() == 1);
                assertThat(dispatcher.state(rig.topic).status()).isEqualTo(ChannelState.Status.RUNNING);
            }
            List<String> reasons = new ArrayList<>();
            try (Connection connection = Services.rawConnection(rig.prefix + "-inspect");
                    Channel channel = connection.createChannel()) {
                GetResponse dead;
                while ((dead = channel.basicGet(RabbitMqTransport.deadLetterQueue(rig.topic), true)) != null) {
                    reasons.add(dead.getProps().getHeaders().get("courier-dead-letter-reason") + ": "
                            + dead.getProps().getHeaders().get("courier-dead-letter-detail"));
                }
            }
            new Figures("8 deserialization attack", attacks.size() + 1, attacks.size() + 1, handled.get(), 0, 0,
                    reasons.size(), Duration.ofNanos(System.nanoTime() - started),
                    "canary class loaded: " + loaded(canary) + ", initialised: "
                            + (System.getProperty("courier.reliability.canary") != null)
                            + "; 2,000-deep body dead-lettered, no StackOverflowError").report();
            assertThat(System.getProperty("courier.reliability.canary")).as("the canary class was initialised")
                    .isNull();
            assertThat(loaded(canary)).as("the canary class was loaded").isFalse();
            assertThat(reasons).hasSize(attacks.size()).allSatisfy(r -> assertThat(r).startsWith("unacceptable"));
            assertThat(reasons).as("the deep body stopped by the depth limit")
                    .anySatisfy(r -> assertThat(r).contains("nesting depth"));
            assertThat(handled.get()).isEqualTo(1);
        }
    }

    /**
     * Whether this test's class loader (or one of its parents) has loaded {@code name}, initialised or not. Asks
     * {@code ClassLoader.findLoadedClass}, which does not load anything itself (the pom opens java.lang for it).
     */
    private static boolean loaded(String name) throws ReflectiveOperationException {
        Method findLoadedClass = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        findLoadedClass.setAccessible(true);
        for (ClassLoader loader = DeserializationAttackScenarioTest.class.getClassLoader(); loader != null;
                loader = loader.getParent()) {
            if (findLoadedClass.invoke(loader, name) != null) {
                return true;
            }
        }
        return false;
    }
}
