package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.DuplicateMessageException;
import dev.courier.HandlerRegistry;
import dev.courier.PipelineConfigurationException;
import dev.courier.RequestHandler;
import dev.courier.runtime.CommandProcessor;
import dev.courier.steps.UseInbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link InTransaction} around {@link UseInbox}: a handling's writes and its inbox entry commit together. */
class TransactionalInboxTest {

    record Ship(UUID id, String sku) implements Command {}

    /** Writes one row per handling into the business table, in the handler's transaction. */
    static final class ShipHandler implements RequestHandler<Ship> {
        private final JdbcTransactions transactions;
        private final String shipments;
        final AtomicBoolean failAfterWriting = new AtomicBoolean();
        volatile CyclicBarrier meet;

        ShipHandler(JdbcTransactions transactions, String shipments) {
            this.transactions = transactions;
            this.shipments = shipments;
        }

        @InTransaction(step = 1)
        @UseInbox(step = 2, onDuplicate = UseInbox.OnDuplicate.WARN)
        @Override
        public void handle(Ship ship) {
            try (PreparedStatement insert = transactions.connection()
                    .prepareStatement("INSERT INTO " + shipments + " (message_id, sku) VALUES (?, ?)")) {
                insert.setString(1, ship.id().toString());
                insert.setString(2, ship.sku());
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            if (meet != null) {
                try {
                    meet.await(10, TimeUnit.SECONDS); // both copies have passed the inbox check and written
                } catch (Exception e) {
                    throw new IllegalStateException("the other copy never arrived", e);
                }
            }
            if (failAfterWriting.get()) {
                throw new IllegalStateException("failing after the write");
            }
        }
    }

    private record Setup(TestDatabase database, String shipments, JdbcInbox inbox, ShipHandler handler,
            CommandProcessor processor) {
        long shipped(UUID id) {
            return database.count("SELECT COUNT(*) FROM " + shipments + " WHERE message_id = '" + id + "'");
        }
    }

    private static Setup setup(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        String shipments = database.uniqueTable("shipments");
        database.execute("CREATE TABLE " + shipments + " (message_id VARCHAR(36) NOT NULL, sku VARCHAR(20))");
        JdbcTransactions transactions = JdbcTransactions.over(database.dataSource());
        JdbcInbox inbox = JdbcInbox.builder(database.dataSource()).table(database.uniqueTable("inbox_tx"))
                .transactionProvider(transactions).createTables(true).build();
        ShipHandler handler = new ShipHandler(transactions, shipments);
        CommandProcessor processor = CommandProcessor.builder().inbox(inbox)
                .stepFactory(InTransaction.class, transactions.stepFactory())
                .handlers(new HandlerRegistry().register(Ship.class, handler)).build();
        return new Setup(database, shipments, inbox, handler, processor);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFailedHandlingLeavesNeitherItsWritesNorAnInboxEntry(TestDatabase.Kind kind) {
        Setup setup = setup(kind);
        Ship ship = new Ship(UUID.randomUUID(), "A-1");
        setup.handler().failAfterWriting.set(true);

        assertThatThrownBy(() -> setup.processor().send(ship)).hasMessage("failing after the write");
        assertThat(setup.shipped(ship.id())).as("rolled-back writes").isZero();
        assertThat(setup.inbox().contains(ship.id(), ShipHandler.class.getName())).as("inbox entry").isFalse();

        setup.handler().failAfterWriting.set(false);
        setup.processor().send(ship);
        assertThat(setup.shipped(ship.id())).isEqualTo(1);
        assertThat(setup.inbox().contains(ship.id(), ShipHandler.class.getName())).isTrue();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRedeliveryAfterTheCommitIsSkipped(TestDatabase.Kind kind) {
        Setup setup = setup(kind);
        Ship ship = new Ship(UUID.randomUUID(), "B-2");

        setup.processor().send(ship);
        setup.processor().send(ship);

        assertThat(setup.shipped(ship.id())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void ofTwoConcurrentCopiesOnlyOneCommits(TestDatabase.Kind kind) {
        Setup setup = setup(kind);
        Ship ship = new Ship(UUID.randomUUID(), "C-3");
        setup.handler().meet = new CyclicBarrier(2);

        List<CompletableFuture<Void>> copies = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            copies.add(CompletableFuture.runAsync(() -> setup.processor().send(ship)));
        }
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<Void> copy : copies) {
            try {
                copy.join();
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }

        assertThat(setup.shipped(ship.id())).as("committed handlings").isEqualTo(1);
        assertThat(failures).as("the copy that finished second").hasSize(1);
        assertThat(failures.get(0)).satisfiesAnyOf(
                f -> assertThat(f).isInstanceOf(DuplicateMessageException.class),
                // a database may refuse the second insert as a lock conflict rather than a duplicate
                f -> assertThat(f).hasRootCauseInstanceOf(SQLException.class));
    }

    @Test
    void theAnnotationWithoutARegisteredFactoryFailsTheBuild() {
        TestDatabase database = TestDatabase.h2();
        JdbcTransactions transactions = JdbcTransactions.over(database.dataSource());
        ShipHandler handler = new ShipHandler(transactions, "unused");

        assertThatThrownBy(() -> CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Ship.class, handler)).build())
                .isInstanceOf(PipelineConfigurationException.class)
                .hasMessageContaining("InTransaction")
                .hasMessageContaining("stepFactory(InTransaction.class");
    }

    @Test
    void theConnectionOutsideATransactionIsAClearError() throws SQLException {
        JdbcTransactions transactions = JdbcTransactions.over(TestDatabase.h2().dataSource());

        assertThat(transactions.currentConnection()).isEmpty();
        assertThatThrownBy(transactions::connection).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No transaction is open");
        Connection inside = transactions.inTransaction(c -> {
            assertThat(transactions.connection()).isSameAs(c);
            Connection nested = transactions.inTransaction(joined -> joined);
            assertThat(nested).as("joins").isSameAs(c);
            return c;
        });
        assertThat(inside).isNotNull();
        assertThat(transactions.currentConnection()).isEmpty();
    }
}
