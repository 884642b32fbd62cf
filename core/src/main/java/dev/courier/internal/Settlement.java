package dev.courier.internal;

import dev.courier.DeferMessageException;
import dev.courier.DuplicateMessageException;
import dev.courier.PublishFailedException;
import dev.courier.RejectMessageException;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappingException;
import dev.courier.message.Message;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.DeadLetterReason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The decision table of docs/dispatcher.md as a pure function: from a received message, what became of it, and its
 * subscription's settings, to what the pump must do. It settles nothing itself, so every row is tested without a
 * broker ({@code SettlementTest}).
 */
public final class Settlement {
    private Settlement() {}

    /** What the pump does with a message. */
    public sealed interface Decision {}

    /** Acknowledge: the broker forgets the message. {@code note} says why, when it was not simply handled. */
    public record Acknowledge(String note) implements Decision {}

    /** Put it back, to come again no sooner than {@code delay}; {@code attempts} handlings have failed so far. */
    public record Requeue(Duration delay, int attempts, Throwable cause) implements Decision {}

    /** Give up on it: to the recoverer (by default the dead letters) with {@code reason}. */
    public record GiveUp(String reason, Throwable cause, int attempts) implements Decision {}

    /** A {@code QUIT} the subscription accepts: acknowledge it and stop this performer. */
    public record Quit() implements Decision {}

    private static final Acknowledge HANDLED = new Acknowledge(null);

    /**
     * Before mapping: a {@code QUIT} stops the performer where the subscription accepts quit, and is unacceptable
     * where it does not; a message the transport marked unacceptable is given up with the transport's reason.
     * Returns null when the message goes on to be mapped and handled.
     */
    public static Decision admit(Message message, Subscription subscription) {
        MessageType type = message.header().messageType();
        if (type == MessageType.QUIT) {
            return subscription.acceptQuit() ? new Quit() : unacceptable(message, new MessageMappingException(
                    message.topic(), message.id(), "it is a QUIT message, and this subscription does not accept "
                            + "them (Subscription.Builder.acceptQuit)"));
        }
        if (type == MessageType.UNACCEPTABLE) {
            return unacceptable(message, new MessageMappingException(message.topic(), message.id(),
                    "the transport marked it unacceptable: " + message.header().bag().getOrDefault(
                            MessageHeader.UNACCEPTABLE_REASON, "it arrived as type UNACCEPTABLE, with no reason")));
        }
        return null;
    }

    /** The message could not be mapped to a request: given up on its first delivery, the handler never ran. */
    public static Decision unacceptable(Message message, RuntimeException why) {
        return new GiveUp("unacceptable", why, message.header().handledCount());
    }

    /** After handling: {@code failure} is what the handler threw, or null when it returned. */
    public static Decision afterHandling(Message message, Throwable failure, Subscription subscription) {
        if (failure == null) {
            return HANDLED;
        }
        if (onlyDuplicates(failure)) {
            // @UseInbox found it already handled by every handler that failed: a redelivery of finished work.
            // Requeueing would only fail the same way until it is dead-lettered; the work is done, so acknowledge.
            return new Acknowledge("already handled: " + failure.getMessage());
        }
        int attempts = message.header().handledCount() + 1;
        RejectMessageException reject = find(failure, RejectMessageException.class);
        if (reject != null) {
            return new GiveUp("rejected", reject, attempts);
        }
        if (attempts > subscription.requeueCount()) {
            return new GiveUp("handler-failed", failure, attempts);
        }
        DeferMessageException defer = find(failure, DeferMessageException.class);
        return new Requeue(defer != null ? defer.delay() : subscription.requeueDelay(), attempts, failure);
    }

    /** Whether the failure is a duplicate, or a publish whose every failed handler had already handled it. */
    static boolean onlyDuplicates(Throwable failure) {
        if (failure instanceof DuplicateMessageException) {
            return true;
        }
        return failure instanceof PublishFailedException publish && !publish.failures().isEmpty()
                && publish.failures().stream().allMatch(f -> f instanceof DuplicateMessageException);
    }

    /** The first throwable of {@code type} in the cause chain or among suppressed (publish failures). */
    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        int guard = 0;
        while (!todo.isEmpty() && guard++ < 100) {
            Throwable t = todo.removeFirst();
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() != null && t.getCause() != t) {
                todo.add(t.getCause());
            }
            for (Throwable s : t.getSuppressed()) {
                todo.add(s);
            }
        }
        return null;
    }
}
