package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.test.RecordingProducer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code post} inside the caller's own transaction (joined through a {@link TransactionProvider}) never sends a
 * message before its row is committed: after a rollback nothing leaves; after a commit it leaves once, and the
 * sweeper does not send it again. On H2, PostgreSQL and MariaDB.
 */
class PostInTransactionTest {
    record ShipOrder(UUID id, String order) implements Command {}

    private record Setup(TestDatabase database, JdbcOutbox outbox, String orders, CommandProcessor processor,
            RecordingProducer producer) {}

    private static Setup setup(TestDatabase database, TransactionProvider provider) {
        String orders = database.uniqueTable("orders");
        database.execute("CREATE TABLE " + orders + " (id VARCHAR(36) PRIMARY KEY)");
        JdbcOutbox outbox = JdbcOutbox.builder(database.dataSource()).table(database.uniqueTable("outbox_post"))
                .transactionProvider(provider).createTables(true).build();
        RecordingProducer producer = new RecordingProducer();
        CommandProcessor processor = CommandProcessor.builder()
                .mappers(new MessageMappers().json(ShipOrder.class, "orders.ship"))
                .producers(Producers.of(producer)).outbox(outbox).confirmTimeout(Duration.ofSeconds(5)).build();
        return new Setup(database, outbox, orders, processor, producer);
    }

    private static void insertOrder(Connection connection, String table, String id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aPostInATransactionThatRollsBackNeverLeaves(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        JdbcTransactions transactions = JdbcTransactions.over(database.dataSource());
        Setup setup = setup(database, transactions);
        ShipOrder ship = new ShipOrder(Request.newId(), "o-1");

        assertThatThrownBy(() -> transactions.inTransaction(connection -> {
            insertOrder(connection, setup.orders(), ship.order());
            setup.processor().post(ship);
            assertThat(setup.producer().sent()).as("nothing sent before the commit").isEmpty();
            throw new IllegalStateException("payment declined");
        })).hasMessage("payment declined");

        assertThat(setup.producer().sent()).isEmpty();
        assertThat(setup.outbox().get(ship.id())).isEmpty();
        assertThat(setup.database().count("SELECT COUNT(*) FROM " + setup.orders())).isZero();
        assertThat(OutboxSweeper.builder(setup.outbox(), Producers.of(setup.producer())).minAge(Duration.ZERO)
                .build().sweep()).as("nothing for the sweeper either").isZero();
        setup.processor().close();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aPostInATransactionThatCommitsLeavesOnceAfterTheCommitAndIsMarkedDispatched(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        JdbcTransactions transactions = JdbcTransactions.over(database.dataSource());
        Setup setup = setup(database, transactions);
        ShipOrder ship = new ShipOrder(Request.newId(), "o-2");

        transactions.inTransaction(connection -> {
            insertOrder(connection, setup.orders(), ship.order());
            setup.processor().post(ship);
            assertThat(setup.producer().sent()).as("nothing sent before the commit").isEmpty();
            return null;
        });

        assertThat(setup.producer().sent()).extracting(Message::id).containsExactly(ship.id());
        assertThat(setup.outbox().outstandingCount()).as("marked dispatched").isZero();
        assertThat(OutboxSweeper.builder(setup.outbox(), Producers.of(setup.producer())).minAge(Duration.ZERO)
                .build().sweep()).as("the sweeper finds nothing to send again").isZero();
        assertThat(setup.producer().sent()).hasSize(1);
        setup.processor().close();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aProviderThatCannotReportItsCommitLeavesThePostToTheSweeperAfterTheCommit(TestDatabase.Kind kind)
            throws SQLException {
        ThreadLocal<Connection> bound = new ThreadLocal<>();
        TransactionProvider own = () -> Optional.ofNullable(bound.get());      // a framework without callbacks
        Setup setup = setup(TestDatabase.of(kind), own);
        ShipOrder ship = new ShipOrder(Request.newId(), "o-3");

        try (Connection connection = setup.database().dataSource().getConnection()) {
            connection.setAutoCommit(false);
            bound.set(connection);
            insertOrder(connection, setup.orders(), ship.order());
            setup.processor().post(ship);
            assertThat(setup.producer().sent()).as("nothing sent inside the transaction").isEmpty();
            connection.commit();
            bound.remove();
            connection.setAutoCommit(true);
        }

        assertThat(setup.outbox().outstandingCount()).isEqualTo(1);
        assertThat(OutboxSweeper.builder(setup.outbox(), Producers.of(setup.producer())).minAge(Duration.ZERO)
                .build().sweep()).isEqualTo(1);
        assertThat(setup.producer().sent()).extracting(Message::id).containsExactly(ship.id());
        assertThat(setup.outbox().outstandingCount()).isZero();
        setup.processor().close();
    }
}
