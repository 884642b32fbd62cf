package dev.courier.transport.rabbitmq;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.transport.rabbitmq.internal.Receipt;
import dev.courier.transport.rabbitmq.internal.WireFormat;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Bounds how often one message may be delivered without being settled: a message whose handling kills its consumer
 * (a crash, an {@code OutOfMemoryError}, a hard kill) or outlasts the broker's consumer timeout comes back
 * redelivered, and without a bound it would take down every consumer in turn, forever.
 *
 * <p>A quorum queue counts for us ({@code x-delivery-count}, trusted only on a redelivery). A classic queue keeps
 * only the redelivered flag, so a redelivered message is copied to the end of its queue with the count in
 * {@value WireFormat#DELIVERIES} and the original acknowledged (copy first, ack second: a crash in between gives a
 * duplicate, never a loss). Once the count reaches the limit the message is dead-lettered with reason
 * {@value #REASON}. Messages merely in a consumer's buffer when its connection dropped count too: the limit
 * (default 5) leaves room for that. While the broker blocks publishing (a memory or disk alarm) a classic queue's
 * redeliveries are handled uncounted: a count needs a copy, and waiting for one would stall consumption.
 */
final class DeliveryLimit {
    static final String REASON = "delivery-limit";

    private final Settler settler;
    private final QueueType type;
    private final int limit;
    private final String topic;
    private final Supplier<String> blocked;

    /** {@code blocked} says why the broker blocks publishing just now (a memory or disk alarm), or null. */
    DeliveryLimit(Settler settler, QueueType type, int limit, String topic, Supplier<String> blocked) {
        this.settler = settler;
        this.type = type;
        this.limit = limit;
        this.topic = topic;
        this.blocked = blocked;
    }

    /**
     * Decides on a redelivered message: true to hand it to the pump; false when it was dead-lettered or copied
     * with its count (the copy comes back as a fresh delivery).
     */
    boolean admit(Message message, Receipt receipt) {
        Map<String, Object> headers = receipt.properties().getHeaders();
        int unsettled = type == QueueType.QUORUM ? WireFormat.count(headers, WireFormat.X_DELIVERY_COUNT)
                : WireFormat.count(headers, WireFormat.DELIVERIES) + 1;
        if (unsettled >= limit) {
            settler.reject(message, receipt, new DeadLetterReason(REASON, "delivered " + unsettled
                    + " times without being settled (its consumer crashed, lost its connection or overran the "
                    + "broker's consumer timeout each time); the delivery limit is " + limit, "", topic, unsettled,
                    Instant.now()));
            return false;
        }
        if (type == QueueType.QUORUM) {
            return true; // the broker keeps the count
        }
        if (blocked.get() != null) {
            // The count needs a copy, and a blocked broker takes none: handle it uncounted rather than stall.
            return true;
        }
        settler.recount(message, receipt, unsettled);
        return false;
    }
}
