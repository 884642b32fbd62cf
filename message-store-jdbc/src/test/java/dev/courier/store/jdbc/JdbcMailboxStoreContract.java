package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.MailboxStore;
import dev.courier.test.contract.TransactionalMailboxStoreContract;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Runs the mailbox store contract on one database, in a table of its own per test class (emptied before each test,
 * dropped when the JVM ends), with {@link JdbcTransactions} as the transaction the store joins.
 */
abstract class JdbcMailboxStoreContract extends TransactionalMailboxStoreContract {
    private static final Map<Class<?>, String> TABLES = new ConcurrentHashMap<>();

    private JdbcTransactions transactions;

    abstract TestDatabase database();

    @Override
    protected MailboxStore createStore(Clock clock) {
        TestDatabase database = database();
        String table = TABLES.computeIfAbsent(getClass(), c -> database.uniqueTable("mailbox_contract"));
        transactions = JdbcTransactions.over(database.dataSource());
        JdbcMailboxStore store = JdbcMailboxStore.builder(database.dataSource()).table(table).clock(clock)
                .transactionProvider(transactions).createTables(true).build();
        database.execute("DELETE FROM " + table);
        return store;
    }

    @Override
    protected TransactionHarness transactions() {
        return new TransactionHarness() {
            @Override
            public <T> T commit(Supplier<T> work) {
                return transactions.inTransaction(connection -> work.get());
            }

            @Override
            public <T> T rollBack(Supplier<T> work) {
                try {
                    transactions.inTransaction(connection -> {
                        throw new RolledBack(work.get());
                    });
                } catch (RolledBack rolledBack) {
                    @SuppressWarnings("unchecked")
                    T result = (T) rolledBack.result;
                    return result;
                }
                throw new AssertionError("the transaction was not rolled back");
            }
        };
    }

    @Test
    void aTableNameThatIsNoPlainIdentifierIsRefusedNamingIt() {
        assertThatThrownBy(() -> JdbcMailboxStore.builder(database().dataSource()).table("mail; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mailbox table").hasMessageContaining("mail; DROP TABLE x");
    }

    @Test
    void aMissingTableIsReportedNamingIt() {
        String table = database().uniqueTable("mailbox_missing");

        assertThatThrownBy(() -> JdbcMailboxStore.builder(database().dataSource()).table(table).build())
                .isInstanceOf(JdbcStoreException.class).hasMessageContaining(table)
                .hasMessageContaining("createTables(true)");
    }

    @Test
    void aRecipientLongerThanTheTableHoldsIsRefusedNamingIt() {
        String recipient = "r".repeat(JdbcMailboxStore.MAX_RECIPIENT_LENGTH + 1);
        Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "t", MessageType.COMMAND).build(),
                MessageBody.json("{}"));

        assertThatThrownBy(() -> store.put(recipient, "JobDone", message))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(recipient);
        assertThatThrownBy(() -> store.take(recipient, List.of("JobDone")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("201 characters");
        assertThat(store.put("r".repeat(JdbcMailboxStore.MAX_RECIPIENT_LENGTH), "JobDone", message)).isTrue();
    }

    /** Thrown out of a transaction to roll it back, carrying what its work returned. */
    private static final class RolledBack extends RuntimeException {
        final transient Object result;

        RolledBack(Object result) {
            super(null, null, false, false);
            this.result = result;
        }
    }
}
