package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.MailboxStore;
import dev.courier.test.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MailboxStoreContract} plus what a store that joins the caller's transaction must do: a take or a put in a
 * rolled-back transaction leaves things as they were; one in a committed transaction counts; a message taken in an
 * open transaction goes to no other taker.
 */
public abstract class TransactionalMailboxStoreContract extends MailboxStoreContract {

    /** How to run work in a transaction the store under test joins. */
    protected abstract TransactionHarness transactions();

    @Test
    void aTakeInARolledBackTransactionLeavesTheMessageToBeTakenAgain() {
        TransactionHarness transactions = transactions();
        Message message = put(RECIPIENT, DONE);

        assertThat(transactions.rollBack(() -> take(RECIPIENT, DONE))).contains(message.id());

        assertThat(store.count(RECIPIENT)).isEqualTo(1);
        assertThat(take(RECIPIENT, DONE)).contains(message.id());
    }

    @Test
    void aTakeInACommittedTransactionRemovesTheMessage() {
        TransactionHarness transactions = transactions();
        Message message = put(RECIPIENT, DONE);

        assertThat(transactions.commit(() -> take(RECIPIENT, DONE))).contains(message.id());

        assertThat(store.count(RECIPIENT)).isZero();
        assertThat(take(RECIPIENT, DONE)).isEmpty();
    }

    @Test
    void aPutInARolledBackTransactionKeepsNothing() {
        TransactionHarness transactions = transactions();
        Message message = message();

        assertThat(transactions.rollBack(() -> store.put(RECIPIENT, DONE, message))).isTrue();

        assertThat(store.count(RECIPIENT)).isZero();
        assertThat(take(RECIPIENT, DONE)).isEmpty();
        assertThat(store.put(RECIPIENT, DONE, message)).as("the id is free").isTrue();
    }

    @Test
    void aDuplicatePutInATransactionReturnsFalseAndTheTransactionGoesOn() {
        TransactionHarness transactions = transactions();
        Message kept = put(RECIPIENT, DONE);
        Message next = message();

        transactions.commit(() -> {
            assertThat(store.put(RECIPIENT, DONE, kept)).isFalse();
            assertThat(store.put(RECIPIENT, DONE, next)).isTrue();
            return null;
        });

        assertThat(take(RECIPIENT, DONE)).contains(kept.id());
        assertThat(take(RECIPIENT, DONE)).contains(next.id());
    }

    @Test
    void aMessageTakenInAnOpenTransactionGoesToNoOtherTaker() throws Exception {
        TransactionHarness transactions = transactions();
        Message first = put(RECIPIENT, DONE);
        Message second = put(RECIPIENT, DONE);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch taking = new CountDownLatch(1);
            Future<Optional<UUID>> otherTake = transactions.commit(() -> {
                assertThat(take(RECIPIENT, DONE)).contains(first.id());
                Future<Optional<UUID>> started = other.submit(() -> {
                    taking.countDown();
                    return take(RECIPIENT, DONE);
                });
                // Commit once the other taker has begun: it may be waiting for this transaction's delete of the
                // first message, or not yet have looked; either way it must get the second, never the first.
                assertThat(begun(taking)).as("the other taker began").isTrue();
                return started;
            });

            assertThat(otherTake.get(30, TimeUnit.SECONDS)).contains(second.id());
        } finally {
            other.shutdownNow();
        }
        assertThat(store.count(RECIPIENT)).isZero();
    }

    private static boolean begun(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

}
