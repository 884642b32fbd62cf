package dev.courier.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.courier.Command;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.runtime.CommandProcessor;
import dev.courier.test.Await;
import dev.courier.test.Rabbitmqctl;
import dev.courier.test.TestServices;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * The auto-configuration in an application context on the real RabbitMQ and PostgreSQL, as a Boot application has
 * it (Boot's DataSource and transaction manager, a {@code @Transactional} service, a handler bean): a request
 * handled once, a rolled-back one never sent, health DOWN while the broker is stopped and UP after, and a graceful
 * stop that lets a handler in progress finish. Everything it creates carries a random suffix and is removed after.
 */
class CourierSpringBootRabbitMqTest {
    /** The command; its topic comes from {@code courier.subscriptions.<channel>.topic}, unique to each run. */
    record Remind(UUID id, String text) implements Command {}

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String exchange = "boot-test-" + suffix;
    private final String channel = "boot.remind." + suffix;
    private final String tasks = "boot_tasks_" + suffix;
    private final String outbox = "boot_outbox_" + suffix;
    private final String connectionName = "courier-boot-test-" + suffix;

    /** Handlings per request id; "slow" ones wait for {@link #slowGate}. */
    static final Map<UUID, AtomicInteger> HANDLED = new ConcurrentHashMap<>();
    static volatile CountDownLatch slowGate = new CountDownLatch(0);
    static volatile CountDownLatch slowStarted = new CountDownLatch(1);

    /** The application's own beans: a handler and a transactional service that posts. */
    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Application {
        @Bean
        RequestHandler<Remind> remindHandler() {
            return new RemindHandler();
        }

        @Bean
        RabbitMqConnectionCustomizer shortHeartbeat() {
            return factory -> factory.setRequestedHeartbeat(7);
        }

        @Bean
        TaskService taskService(DataSource dataSource, CommandProcessor processor) {
            return new TaskService(new JdbcTemplate(dataSource), processor);
        }
    }

    static final class RemindHandler implements RequestHandler<Remind> {
        @Override
        public void handle(Remind remind) {
            if (remind.text().equals("slow")) {
                slowStarted.countDown();
                try {
                    slowGate.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while slow (test)");
                }
            }
            HANDLED.computeIfAbsent(remind.id(), id -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Writes the task's row and posts its reminder in one transaction, as the Boot sample's controller does. */
    static class TaskService {
        private final JdbcTemplate jdbc;
        private final CommandProcessor processor;

        TaskService(JdbcTemplate jdbc, CommandProcessor processor) {
            this.jdbc = jdbc;
            this.processor = processor;
        }

        @Transactional
        public void remind(String table, Remind remind, boolean failAfterPosting) {
            jdbc.update("INSERT INTO " + table + " (id, text) VALUES (?, ?)", remind.id(), remind.text());
            processor.post(remind);
            if (failAfterPosting) {
                throw new IllegalStateException("the business rule failed after posting (test)");
            }
        }
    }

    private ApplicationContextRunner runner() {
        URI rabbit = URI.create(TestServices.RABBITMQ_URI);
        String[] credentials = rabbit.getUserInfo().split(":", 2);
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, CourierAutoConfiguration.class))
                .withUserConfiguration(Application.class)
                .withPropertyValues(
                        "spring.datasource.url=" + TestServices.POSTGRES_URL,
                        "spring.rabbitmq.host=" + rabbit.getHost(),
                        "spring.rabbitmq.port=" + (rabbit.getPort() < 0 ? 5672 : rabbit.getPort()),
                        "spring.rabbitmq.username=" + credentials[0],
                        "spring.rabbitmq.password=" + credentials[1],
                        "courier.rabbitmq.exchange=" + exchange,
                        "courier.outbox.table=" + outbox,
                        // brackets keep the dots of the channel's name in the map key
                        "courier.subscriptions[" + channel + "].topic=" + channel,
                        "courier.subscriptions[" + channel + "].request-types=" + Remind.class.getName(),
                        "courier.subscriptions[" + channel + "].performers=2",
                        "courier.rabbitmq.connection-name=" + connectionName);
    }

    @BeforeEach
    void createTheBusinessTable() throws Exception {
        TestServices.requireRabbitMqAndPostgres();
        HANDLED.clear();
        try (java.sql.Connection db = DriverManager.getConnection(TestServices.POSTGRES_URL);
                Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE " + tasks + " (id UUID PRIMARY KEY, text VARCHAR(200) NOT NULL)");
        }
    }

    @AfterEach
    void removeWhatTheTestCreated() throws Exception {
        slowGate.countDown();
        RabbitMqTransport.deleteTopology(TestServices.RABBITMQ_URI, exchange, channel);
        TestServices.dropTables(TestServices.POSTGRES_URL, tasks, outbox);
    }

    private long rows(String table, UUID id) throws Exception {
        try (java.sql.Connection db = DriverManager.getConnection(TestServices.POSTGRES_URL);
                var query = db.prepareStatement("SELECT COUNT(*) FROM " + table
                        + (table.equals(outbox) ? " WHERE message_id = ?" : " WHERE id = ?"))) {
            query.setObject(1, id);
            try (var result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private long queued() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.RABBITMQ_URI);
        try (Connection connection = factory.newConnection(); Channel amqp = connection.createChannel()) {
            return amqp.messageCount(channel);
        }
    }

    @Test
    void aTransactionalRequestIsHandledOnceAndARolledBackOneIsNeverSent() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            TaskService service = context.getBean(TaskService.class);
            Remind kept = new Remind(Request.newId(), "water the plants");
            Remind rolledBack = new Remind(Request.newId(), "never");
            Remind after = new Remind(Request.newId(), "pay the rent");

            service.remind(tasks, kept, false);
            assertThatThrownBy(() -> service.remind(tasks, rolledBack, true))
                    .hasMessageContaining("failed after posting");
            service.remind(tasks, after, false);

            Await.until(WAIT, "both committed reminders handled", () -> HANDLED.containsKey(kept.id())
                    && HANDLED.containsKey(after.id()));
            assertThat(HANDLED.get(kept.id())).hasValue(1);
            assertThat(HANDLED.get(after.id())).hasValue(1);
            assertThat(HANDLED).doesNotContainKey(rolledBack.id());
            assertThat(rows(tasks, kept.id())).isEqualTo(1);
            assertThat(rows(tasks, rolledBack.id())).isZero();
            assertThat(rows(outbox, rolledBack.id())).as("the rolled-back message's outbox row").isZero();
            assertThat(rows(outbox, kept.id())).isEqualTo(1);
        });
    }

    @Test
    void aConnectionCustomizerBeanAdjustsTheClientsConnection() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            // what the broker negotiated with this context's connections (named by the property): the bean's heartbeat
            String connections = Rabbitmqctl.run("list_connections", "-q", "--no-table-headers", "timeout",
                    "client_properties");
            assertThat(connections.lines().filter(line -> line.contains(connectionName)))
                    .isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("7\t"));
        });
    }

    @Test
    void healthIsDownWhileTheBrokerIsStoppedAndUpOnceItIsBackThenAPostIsHandled() {
        runner().run(context -> {
            CourierHealthIndicator health = context.getBean(CourierHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            try {
                Rabbitmqctl.stopApp();
                Await.until(WAIT, () -> "health DOWN with the broker stopped: " + health.health().getDetails(),
                        () -> health.health().getStatus().equals(Status.DOWN));
                assertThat(health.health().getDetails().get("channel:" + channel).toString()).startsWith("DOWN");
            } finally {
                Rabbitmqctl.startAppAndWait(TestServices.RABBITMQ_URI);
            }
            Await.until(Duration.ofSeconds(60), () -> "health UP again: " + health.health().getDetails(),
                    () -> health.health().getStatus().equals(Status.UP));
            Remind remind = new Remind(Request.newId(), "after the outage");
            context.getBean(TaskService.class).remind(tasks, remind, false);
            Await.until(WAIT, "the reminder posted after the outage handled", () -> HANDLED.containsKey(remind.id()));
        });
    }

    @Test
    void closingTheContextLetsAHandlerInProgressFinishAndItsMessageIsAcknowledged() throws Exception {
        slowGate = new CountDownLatch(1);
        slowStarted = new CountDownLatch(1);
        Remind slow = new Remind(Request.newId(), "slow");
        AtomicInteger runningWhenReleased = new AtomicInteger(-1);
        runner().run(context -> {
            CourierLifecycle lifecycle = context.getBean(CourierLifecycle.class);
            context.getBean(TaskService.class).remind(tasks, slow, false);
            assertThat(slowStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the slow handler started").isTrue();
            Thread release = new Thread(() -> {
                Await.until(WAIT, "the context's stop to reach Courier", () -> !lifecycle.isRunning());
                runningWhenReleased.set(HANDLED.containsKey(slow.id()) ? 1 : 0);
                slowGate.countDown();
            }, "release-slow-handler");
            release.setDaemon(true);
            release.start();
        }); // run() closes the context here, while the handler still waits

        assertThat(runningWhenReleased).as("the handler was still busy when the stop began").hasValue(0);
        assertThat(HANDLED.get(slow.id())).as("the handler finished during the stop").hasValue(1);
        assertThat(queued()).as("the message was acknowledged, not left for redelivery").isZero();
    }
}
