package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransactionJoiningTest {

    private static Message message() {
        return new Message(MessageHeader.builder(UUID.randomUUID(), "order.placed", MessageType.EVENT).build(),
                MessageBody.json("{\"order\":1}"));
    }

    private record Setup(TestDatabase database, JdbcOutbox outbox, String orders) {}

    private static Setup setup(TestDatabase.Kind kind, TransactionProvider provider) {
        TestDatabase database = TestDatabase.of(kind);
        String orders = database.uniqueTable("orders");
        database.execute("CREATE TABLE " + orders + " (id VARCHAR(36) PRIMARY KEY)");
        JdbcOutbox outbox = JdbcOutbox.builder(database.dataSource()).table(database.uniqueTable("outbox_tx"))
                .transactionProvider(provider).createTables(true).build();
        return new Setup(database, outbox, orders);
    }

    private static void insertOrder(Connection connection, String table) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.executeUpdate();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRolledBackTransactionLeavesNothingOutstanding(TestDatabase.Kind kind) throws Exception {
        Setup setup = setup(kind, TransactionProvider.NONE);
        Message message = message();

        try (Connection connection = setup.database().dataSource().getConnection()) {
            connection.setAutoCommit(false);
            insertOrder(connection, setup.orders());
            setup.outbox().add(List.of(message), JdbcTransaction.of(connection));
            connection.rollback();
            connection.setAutoCommit(true);
        }

        assertThat(setup.outbox().outstandingCount()).isZero();
        assertThat(setup.outbox().get(message.id())).isEmpty();
        assertThat(setup.outbox().claimOutstanding(Instant.now().plusSeconds(1), 10, Duration.ofMinutes(1))).isEmpty();
        assertThat(setup.database().count("SELECT COUNT(*) FROM " + setup.orders())).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aMessageBecomesVisibleWhenTheCallersTransactionCommits(TestDatabase.Kind kind) throws Exception {
        Setup setup = setup(kind, TransactionProvider.NONE);
        Message message = message();

        try (Connection connection = setup.database().dataSource().getConnection()) {
            connection.setAutoCommit(false);
            insertOrder(connection, setup.orders());
            setup.outbox().add(List.of(message), JdbcTransaction.of(connection));
            assertThat(setup.outbox().get(message.id())).as("before the commit, seen from another connection")
                    .isEmpty();
            assertThat(setup.outbox().claimOutstanding(Instant.now().plusSeconds(1), 10, Duration.ofMinutes(1)))
                    .as("claimed before the commit").isEmpty();
            connection.commit();
            connection.setAutoCommit(true);
        }

        assertThat(setup.outbox().get(message.id())).contains(message);
        assertThat(setup.outbox().claimOutstanding(Instant.now().plusSeconds(1), 10, Duration.ofMinutes(1)))
                .containsExactly(message);
        assertThat(setup.database().count("SELECT COUNT(*) FROM " + setup.orders())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void addWithNoTransactionJoinsTheOneTheProviderFinds(TestDatabase.Kind kind) throws Exception {
        ThreadLocal<Connection> current = new ThreadLocal<>();
        Setup setup = setup(kind, () -> Optional.ofNullable(current.get()));
        Message rolledBack = message();
        Message committed = message();

        try (Connection connection = setup.database().dataSource().getConnection()) {
            connection.setAutoCommit(false);
            current.set(connection);
            setup.outbox().add(List.of(rolledBack), OutboxTransaction.NONE);
            connection.rollback();
            setup.outbox().add(List.of(committed), OutboxTransaction.NONE);
            connection.commit();
            current.remove();
            connection.setAutoCommit(true);
        }

        assertThat(setup.outbox().get(rolledBack.id())).isEmpty();
        assertThat(setup.outbox().get(committed.id())).contains(committed);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theBoundCountsTheCallersUncommittedMessages(TestDatabase.Kind kind) throws Exception {
        TestDatabase database = TestDatabase.of(kind);
        JdbcOutbox outbox = JdbcOutbox.builder(database.dataSource()).table(database.uniqueTable("outbox_bound"))
                .maxOutstanding(2).createTables(true).build();

        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.add(List.of(message(), message()), JdbcTransaction.of(connection));
            assertThatThrownBy(() -> outbox.add(List.of(message()), JdbcTransaction.of(connection)))
                    .hasMessageContaining("outbox full: 2 outstanding, limit 2");
            connection.rollback();
            connection.setAutoCommit(true);
        }

        outbox.add(List.of(message(), message()), OutboxTransaction.NONE);
        assertThat(outbox.outstandingCount()).as("rolled-back adds no longer count").isEqualTo(2);
    }
}
