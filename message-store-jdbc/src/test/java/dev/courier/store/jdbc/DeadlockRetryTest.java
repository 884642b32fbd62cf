package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.courier.store.jdbc.internal.ReadCommitted;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The sweeper's transactions (claim, mark dispatched, refusals, retention) are run again when MariaDB rolls one back
 * to break a deadlock, as InnoDB's manual asks: two sweepers that lock the same index records in different orders
 * deadlock now and then ({@code OutboxContract.concurrentClaimersEachGetEveryMessageExactlyOnce} met one), and the
 * claim then failed. Here a real deadlock is made on purpose: the sweeper-side transaction changes one row, a
 * heavier one (100 rows) holds the next it needs and asks for the sweeper's, so InnoDB rolls back the lighter one.
 */
class DeadlockRetryTest {

    @Test
    void aTransactionChosenAsADeadlockVictimIsRunAgainAndCommits() throws Exception {
        TestDatabase database = TestDatabase.mariadb();
        String table = database.uniqueTable("deadlock");
        database.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL) ENGINE = InnoDB");
        StringBuilder rows = new StringBuilder();
        for (int id = 1; id <= 101; id++) {
            rows.append(id == 1 ? "" : ",").append("(").append(id).append(",0)");
        }
        database.execute("INSERT INTO " + table + " VALUES " + rows);

        try (HikariDataSource pool = database.pool(2); HikariDataSource heavyPool = database.pool(1);
                Connection heavy = heavyPool.getConnection()) {
            heavy.setAutoCommit(false);
            try (Statement s = heavy.createStatement()) {
                s.executeUpdate("UPDATE " + table + " SET v = v + 1 WHERE id BETWEEN 2 AND 101");
            }
            AtomicInteger attempts = new AtomicInteger();
            CountDownLatch firstRowLocked = new CountDownLatch(1);
            CompletableFuture<Integer> sweeper = CompletableFuture.supplyAsync(() -> {
                try {
                    return ReadCommitted.run(pool, c -> {
                        attempts.incrementAndGet();
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("UPDATE " + table + " SET v = v + 1 WHERE id = 1");
                            firstRowLocked.countDown();
                            return s.executeUpdate("UPDATE " + table + " SET v = v + 1 WHERE id = 101");
                        }
                    });
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(firstRowLocked.await(30, TimeUnit.SECONDS)).as("the sweeper holds row 1").isTrue();
            try (Statement s = heavy.createStatement()) {
                // closes the cycle: granted once InnoDB rolled the lighter transaction (the sweeper's) back
                s.executeUpdate("UPDATE " + table + " SET v = v + 1 WHERE id = 1");
            }
            heavy.commit();

            assertThat(sweeper.get(60, TimeUnit.SECONDS)).as("rows the second attempt changed").isEqualTo(1);
            assertThat(attempts.get()).as("attempts: the deadlock victim ran again").isEqualTo(2);
        }
        assertThat(database.count("SELECT v FROM " + table + " WHERE id = 1")).as("row 1, changed by both").isEqualTo(2);
        assertThat(database.count("SELECT v FROM " + table + " WHERE id = 101")).as("row 101, by both").isEqualTo(2);
    }
}
