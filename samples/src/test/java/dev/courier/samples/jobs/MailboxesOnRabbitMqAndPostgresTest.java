package dev.courier.samples.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Producers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Mailboxes;
import dev.courier.spi.MailboxStore;
import dev.courier.store.jdbc.JdbcMailboxStore;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.store.jdbc.JdbcTransactions;
import dev.courier.test.Await;
import dev.courier.test.Rabbitmqctl;
import dev.courier.test.TestServices;
import dev.courier.test.contract.MailboxContract;
import dev.courier.test.contract.TransportFixture;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The mailbox contract on RabbitMQ with the JDBC store on PostgreSQL (a store that outlives the process), and what
 * needs both: the sender's business transaction, the receiver's transaction, a broker restart.
 */
class MailboxesOnRabbitMqAndPostgresTest extends MailboxContract {
    private final String table = "mailbox_" + UUID.randomUUID().toString().substring(0, 8);
    private final String business = "business_" + UUID.randomUUID().toString().substring(0, 8);
    private final HikariDataSource dataSource = dataSource();
    private final JdbcTransactions transactions = JdbcTransactions.over(dataSource);
    private RabbitFixture rabbit;

    /** A pool, as an application would have: the store opens a connection per put and take. */
    private static HikariDataSource dataSource() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestServices.POSTGRES_URL);
        config.setMaximumPoolSize(10);
        return new HikariDataSource(config);
    }

    @Override
    protected TransportFixture createFixture() {
        rabbit = new RabbitFixture();
        return rabbit;
    }

    /** A new store object over the same table each time: what a restarted process would open. */
    @Override
    protected MailboxStore store() {
        return JdbcMailboxStore.builder(dataSource).table(table).createTables(true).transactionProvider(transactions)
                .build();
    }

    @Override
    protected void closeStore() throws Exception {
        dataSource.close();
        TestServices.dropTables(TestServices.POSTGRES_URL, table, business, table + "_outbox");
    }

    @Test
    void anEnqueueInsideARolledBackTransactionNeverArrivesAndOneInsideACommittedOneDoes() {
        Mailboxes mailboxes = mailboxes();
        try (CommandProcessor sender = CommandProcessor.builder().mappers(mappers())
                .producers(Producers.of(rabbit.transport))
                .outbox(JdbcOutbox.builder(dataSource).table(table + "_outbox").createTables(true)
                        .transactionProvider(transactions).build())
                .build()) {
            try {
                transactions.inTransaction(c -> {
                    sender.enqueue(to("job-9"), new JobDone(UUID.randomUUID(), "rolled back", 0));
                    throw new IllegalStateException("the business change failed");
                });
            } catch (IllegalStateException expected) {
                // rolled back
            }
            transactions.inTransaction(c -> sender.enqueue(to("job-9"), new JobDone(UUID.randomUUID(), "committed", 1)));
        }
        assertThat(mailboxes.dequeue("job-9", JobDone.class, WAIT).job()).isEqualTo("committed");
        assertThat(mailboxes.tryDequeue("job-9", JobDone.class)).as("nothing else arrived").isEmpty();
    }

    @Test
    void aDequeueInsideTheReceiversTransactionCommitsOrRollsBackWithItsBusinessData() throws Exception {
        Mailboxes mailboxes = mailboxes();
        transactions.inTransaction(c -> c.createStatement().execute("CREATE TABLE " + business + " (job VARCHAR(50))"));
        sender().enqueue(to("job-10"), new JobDone(UUID.randomUUID(), "job-10", 10));
        Await.until(WAIT, "the answer kept", () -> mailboxes.kept("job-10") == 1);

        try {
            transactions.inTransaction(c -> {
                JobDone done = mailboxes.dequeue("job-10", JobDone.class, WAIT);
                insert(done);
                throw new IllegalStateException("the business change failed after the dequeue");
            });
        } catch (IllegalStateException expected) {
            // rolled back: the message is back in the mailbox, the row is not there
        }
        assertThat(mailboxes.kept("job-10")).isEqualTo(1);
        assertThat(rows()).isZero();

        transactions.inTransaction(c -> {
            insert(mailboxes.dequeue("job-10", JobDone.class, WAIT));
            return null;
        });
        assertThat(mailboxes.kept("job-10")).isZero();
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void messagesWaitingOnTheBrokerSurviveABrokerRestart() {
        Mailboxes first = mailboxes();
        first.close(); // the receiver is down: its messages wait in its durable queue
        for (int i = 0; i < 3; i++) {
            sender().enqueue(to("job-11"), new JobDone(UUID.randomUUID(), "job-11", i));
        }
        try {
            Rabbitmqctl.stopApp();
        } finally {
            Rabbitmqctl.startAppAndWait(TestServices.RABBITMQ_URI); // the shared broker is never left stopped
        }

        Mailboxes second = mailboxes();
        for (int i = 0; i < 3; i++) {
            assertThat(second.dequeue("job-11", JobDone.class, Duration.ofSeconds(60)).job()).isEqualTo("job-11");
        }
        assertThat(second.tryDequeue("job-11", JobDone.class)).isEmpty();
    }

    private void insert(JobDone done) {
        transactions.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + business + " VALUES (?)")) {
                insert.setString(1, done.job());
                return insert.executeUpdate();
            }
        });
    }

    private int rows() {
        return transactions.inTransaction(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + business)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
