package dev.courier.samples.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.samples.jobs.Jobs.JobDone;
import dev.courier.spi.MailboxStore;
import dev.courier.store.jdbc.JdbcMailboxStore;
import dev.courier.test.TestServices;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The jobs sample on RabbitMQ and PostgreSQL: a client starts ten long jobs in a worker and waits for each answer
 * by recipient id; the client is restarted while jobs run, and so is the worker. Every answer arrives once.
 */
class JobsSampleTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final RabbitFixture rabbit = new RabbitFixture();
    private final String table = "jobs_mailbox_" + UUID.randomUUID().toString().substring(0, 8);
    private final String service = rabbit.prefix + "-client";

    @AfterEach
    void cleanUp() throws Exception {
        rabbit.close();
        dataSource.close();
        RabbitMqTransport.deleteTopology(TestServices.RABBITMQ_URI, rabbit.prefix, Jobs.START_TOPIC);
        TestServices.dropTables(TestServices.POSTGRES_URL, table);
    }

    private final HikariDataSource dataSource = pool();

    private static HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestServices.POSTGRES_URL);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    private MailboxStore store() {
        return JdbcMailboxStore.builder(dataSource).table(table).createTables(true).build();
    }

    @Test
    void everyJobsAnswerReachesTheClientOnceThroughARestartOfEitherSide() {
        Map<String, JobDone> answers = new HashMap<>();
        JobWorker first = new JobWorker(rabbit.transport, "worker-1");
        try (JobClient client = new JobClient(rabbit.transport, store(), service)) {
            for (int i = 0; i < 10; i++) {
                client.start("j" + i, 300);
            }
            for (int i = 0; i < 2; i++) {
                answers.put("j" + i, client.await("j" + i, WAIT));
            }
        } // the client goes away while the other jobs run; their answers wait for it

        first.close(); // the worker is restarted too: the jobs in hand finish, the rest wait on the broker
        try (JobWorker second = new JobWorker(rabbit.transport, "worker-2");
                JobClient client = new JobClient(rabbit.transport, store(), service)) {
            for (int i = 2; i < 10; i++) {
                JobDone done = client.await("j" + i, WAIT);
                assertThat(answers.put("j" + i, done)).as("answered once").isNull();
            }
            for (int i = 0; i < 10; i++) {
                assertThat(client.tryAwait("j" + i)).as("no second answer for j" + i).isEmpty();
            }
        }
        assertThat(answers).hasSize(10);
        answers.forEach((job, done) -> assertThat(done.job()).isEqualTo(job));
    }
}
