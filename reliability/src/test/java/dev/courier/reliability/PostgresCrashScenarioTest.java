package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Request;
import dev.courier.store.jdbc.JdbcTransaction;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4: PostgreSQL, which holds the outbox, is crashed ({@code pg_ctlcluster ... stop -m immediate}) and
 * started again 3 times (short form: twice) while 5,000 messages (short: 1,000) are written in business
 * transactions. Every transaction whose commit reported success is handled, and nothing is handled whose outbox row
 * did not commit: the outbox never sends a message ahead of its transaction. Before each crash a transaction with a
 * deposited message is held open, so that every crash cuts at least one: its commit must fail, and its message must
 * never be handled.
 */
class PostgresCrashScenarioTest {
    private static final int MESSAGES = Scale.pick(1_000, 5_000);
    private static final int CRASHES = Scale.pick(2, 3);

    @Test
    void everyCommitThatReportedSuccessIsHandledAndNothingIsSentWithoutItsRow() throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig()) {
            Node consumer = Node.start(rig.nodeOptions("consumer"));
            rig.startSweeper(Duration.ofSeconds(1));
            Posting posting = new Posting(rig, MESSAGES, 10, true).paced(Scale.pick(200, 500));
            Set<UUID> cut = new HashSet<>(); // deposited in a transaction open across a crash
            int cutCommitsThatSucceeded = 0;
            Thread poster = new Thread(posting, "poster");
            try {
                poster.start();
                for (int r = 1; r <= CRASHES; r++) {
                    int mark = MESSAGES * r / (CRASHES + 1);
                    try {
                        Await.until(Duration.ofSeconds(60), mark + " committed",
                                () -> posting.committed.size() >= mark);
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + "; committed " + posting.committed.size()
                                + ", failed " + posting.commitFailures.get() + ", poster at "
                                + java.util.Arrays.toString(poster.getStackTrace()), e);
                    }
                    // A transaction open across the crash makes every crash bite, whatever the poster is doing.
                    java.sql.Connection open = rig.pool.getConnection();
                    open.setAutoCommit(false);
                    java.util.List<UUID> deposited = rig.processor.depositPost(
                            java.util.List.of(new Work(Request.newId(), -r)), JdbcTransaction.of(open));
                    try {
                        Services.crashPostgres();
                        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // pacing: stay down a while
                    } finally {
                        Services.startPostgresAndWait();
                    }
                    try (open) {
                        open.commit();
                        posting.committed.addAll(deposited); // cannot happen after a crash; then it must arrive
                        cutCommitsThatSucceeded++;
                    } catch (java.sql.SQLException | AssertionError expected) {
                        cut.addAll(deposited); // the commit failed visibly: this message must never be handled
                    }
                }
                poster.join(Duration.ofMinutes(5).toMillis());
                assertThat(posting.failure()).isNull();
                Map<UUID, Boolean> rowsAfterWriting = rig.outboxRows();
                rig.awaitDrain(rowsAfterWriting.size(), Duration.ofSeconds(Scale.pick(60, 120)));
                consumer.stop();
            } finally {
                consumer.close();
                poster.interrupt();
                Services.startPostgresAndWait();
            }
            Map<UUID, Integer> handlings = rig.handled.handlings();
            Map<UUID, Boolean> rows = rig.outboxRows();
            Set<UUID> lost = rig.lost(posting.committed, handlings);
            Set<UUID> handledWithoutRow = new HashSet<>(handlings.keySet());
            handledWithoutRow.removeAll(rows.keySet());
            long committedDespiteError = rows.keySet().stream().filter(id -> !posting.committed.contains(id))
                    .count();
            Set<UUID> cutButHandled = new HashSet<>(cut);
            cutButHandled.retainAll(handlings.keySet());
            new Figures("4 PostgreSQL crashed x" + CRASHES + " (-m immediate) during writes", posting.attempted.get(),
                    rows.values().stream().filter(d -> d).count(), handlings.size(), lost.size(),
                    Rig.duplicates(handlings), rig.deadLetters(), Duration.ofNanos(System.nanoTime() - started),
                    posting.committed.size() + " commits reported success, " + posting.commitFailures.get()
                            + " transactions failed visibly (" + cut.size() + " held open across a crash, "
                            + cutCommitsThatSucceeded + " of those committed), " + committedDespiteError
                            + " rows committed although the commit reported an error; " + posting.sendFailures.get()
                            + " immediate sends failed, swept later; handled without a committed row: "
                            + handledWithoutRow.size()).report();
            assertThat(cut).as("transactions held open across a crash whose commit failed").hasSize(CRASHES);
            assertThat(cutButHandled).as("handled although its transaction died in a crash").isEmpty();
            assertThat(lost).as("commits that reported success but were never handled").isEmpty();
            // Bound: a message is sent twice only if the broker confirmed it but the crash kept it from being
            // marked dispatched, so the sweeper sends it again: per crash at most the poster's batch in flight (10)
            // plus the sweeper's batches in flight (4 x 100).
            assertThat(Rig.duplicates(handlings)).as("duplicate handlings (at most " + CRASHES + " x 410)")
                    .isLessThanOrEqualTo(CRASHES * 410L);
            assertThat(handledWithoutRow).as("handled, but the row never committed").isEmpty();
            assertThat(handlings.keySet()).as("everything committed is handled").containsAll(rows.keySet());
        }
    }
}
