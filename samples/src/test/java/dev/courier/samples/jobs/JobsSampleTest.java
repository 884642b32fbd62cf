package dev.courier.samples.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.MailboxAddress;
import dev.courier.samples.jobs.Jobs.JobDone;
import dev.courier.test.Await;
import dev.courier.test.Rabbitmqctl;
import dev.courier.spi.MailboxStore;
import dev.courier.store.jdbc.JdbcMailboxStore;
import dev.courier.test.TestServices;
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
    private final String startTopic = rabbit.prefix + ".jobs.start"; // this run's own: never another build's workers

    @AfterEach
    void cleanUp() throws Exception {
        try {
            rabbit.close(); // deletes every queue named with the prefix, the start topic's among them
        } finally {
            dataSource.close();
            TestServices.dropTables(TestServices.POSTGRES_URL, table);
        }
    }

    private final HikariDataSource dataSource = pool();

    private static HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestServices.POSTGRES_URL);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    /** Ready and unacknowledged messages in {@code queue}, from the broker. */
    private static int queueDepth(String queue) {
        for (String line : Rabbitmqctl.run("list_queues", "-q", "--no-table-headers", "name", "messages").split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 2 && fields[0].equals(queue)) {
                return Integer.parseInt(fields[1]);
            }
        }
        throw new AssertionError("no queue " + queue);
    }

    private MailboxStore store() {
        return JdbcMailboxStore.builder(dataSource).table(table).createTables(true).build();
    }

    @Test
    void everyJobsAnswerReachesTheClientOnceThroughARestartOfEitherSide() {
        Map<String, JobDone> answers = new HashMap<>();
        JobWorker first = new JobWorker(rabbit.transport, "worker-1", startTopic);
        try (JobClient client = new JobClient(rabbit.transport, store(), service, startTopic)) {
            for (int i = 0; i < 10; i++) {
                client.start("j" + i, 300);
            }
            for (int i = 0; i < 2; i++) {
                answers.put("j" + i, client.await("j" + i, WAIT));
            }
        } // the client goes away while the other jobs run; their answers wait for it

        first.close(); // the worker is restarted too: the jobs in hand finish, the rest wait on the broker
        try (JobWorker second = new JobWorker(rabbit.transport, "worker-2", startTopic);
                JobClient client = new JobClient(rabbit.transport, store(), service, startTopic)) {
            for (int i = 2; i < 10; i++) {
                JobDone done = client.await("j" + i, WAIT);
                assertThat(answers.put("j" + i, done)).as("answered once").isNull();
            }
            second.close(); // every job it took is answered before this returns
            String mailbox = MailboxAddress.TOPIC_PREFIX + service;
            Await.until(WAIT, () -> "the client's mailbox queue drained: " + queueDepth(mailbox),
                    () -> queueDepth(mailbox) == 0);
            for (int i = 0; i < 10; i++) {
                assertThat(client.tryAwait("j" + i)).as("no second answer for j" + i).isEmpty();
            }
        }
        assertThat(answers).hasSize(10);
        answers.forEach((job, done) -> assertThat(done.job()).isEqualTo(job));
    }
}
