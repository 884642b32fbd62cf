package dev.courier.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes a mailbox's waiting dequeues when a message is kept for their recipient. Recipients are spread over
 * {@value #STRIPES} stripes, each with a version that every arrival for one of its recipients raises: an arrival wakes
 * the waiters of its stripe only (not all of a thousand), and a waiter that read the version before looking in the
 * store never misses an arrival between its look and its wait.
 */
public final class MailboxWaits {
    static final int STRIPES = 256;
    private final Stripe[] stripes = new Stripe[STRIPES];

    public MailboxWaits() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        final Condition arrived = lock.newCondition();
        long version;
    }

    private Stripe stripe(String recipient) {
        return stripes[(recipient.hashCode() * 0x9E3779B9) >>> 24]; // the product's high 8 bits: 256 stripes
    }

    /** The version of {@code recipient}'s stripe now: read it before looking in the store. */
    public long version(String recipient) {
        Stripe stripe = stripe(recipient);
        stripe.lock.lock();
        try {
            return stripe.version;
        } finally {
            stripe.lock.unlock();
        }
    }

    /** A message was kept for {@code recipient}: wake the waiters of its stripe to look again. */
    public void arrived(String recipient) {
        Stripe stripe = stripe(recipient);
        stripe.lock.lock();
        try {
            stripe.version++;
            stripe.arrived.signalAll();
        } finally {
            stripe.lock.unlock();
        }
    }

    /**
     * Waits until the version of {@code recipient}'s stripe moves past {@code seen} or {@code nanos} pass; true if
     * it moved. Interrupted: the flag stays set and it returns false.
     */
    public boolean awaitAfter(String recipient, long seen, long nanos) {
        Stripe stripe = stripe(recipient);
        stripe.lock.lock();
        try {
            long left = nanos;
            while (stripe.version == seen && left > 0) {
                left = stripe.arrived.awaitNanos(left);
            }
            return stripe.version != seen;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            stripe.lock.unlock();
        }
    }
}
