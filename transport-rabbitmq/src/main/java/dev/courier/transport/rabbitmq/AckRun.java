package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.Channel;
import java.io.IOException;

/**
 * The acks a {@link Settler} holds back for a run of messages handled back to back, sent as one {@code basic.ack}
 * with {@code multiple=true}. Such an ack settles every unsettled delivery up to its tag, so it is only sent while
 * each delivery taken from the buffer before it was settled: once one is taken and left unsettled (its requeue or
 * dead letter failed, or its reader went on without settling it), what is held goes out at once, below it, and every
 * later ack of that channel generation goes out on its own. Not thread-safe: the settler calls it under its lock.
 */
final class AckRun {
    private static final long NONE = -1;

    private final Channel channel;
    private final int batch;
    private int held;
    private long heldTag;
    private long heldGeneration;
    /** The delivery last taken from the buffer while it is unsettled, else {@link #NONE}. */
    private long takenTag = NONE;
    private long takenGeneration;
    /** The channel generation in which a delivery was left unsettled, else {@link #NONE}. */
    private long gapGeneration = NONE;

    /** Holds up to {@code batch} acks on {@code channel} (1: none). */
    AckRun(Channel channel, int batch) {
        this.channel = channel;
        this.batch = batch;
    }

    /** A delivery is taken from the buffer; the one taken before it must have been settled by now. */
    void taken(long tag, long generation) throws IOException {
        if (takenTag != NONE && takenGeneration == generation && gapGeneration != generation) {
            gapGeneration = generation;
            send(generation); // what is held lies below the unsettled one
        }
        takenTag = tag;
        takenGeneration = generation;
    }

    /** Acks a handled delivery: held while {@code more} wait and the batch has room, else sent with those held. */
    void acknowledge(long tag, long generation, boolean more) throws IOException {
        if (held > 0 && heldGeneration != generation) {
            held = 0; // held before a reconnect: the broker redelivers them
        }
        settled(tag);
        if (more && held + 1 < batch && gapGeneration != generation) {
            held++;
            heldTag = tag;
            heldGeneration = generation;
            return;
        }
        channel.basicAck(tag, held > 0);
        held = 0;
    }

    /** A delivery settled on its own (a requeue, dead letter or recount, its copy confirmed and it acked). */
    void settled(long tag) {
        if (tag == takenTag) {
            takenTag = NONE;
        }
    }

    /** Sends the acks held, if they are of {@code generation}; those of an earlier one are dropped (redelivered). */
    void send(long generation) throws IOException {
        if (held == 0) {
            return;
        }
        held = 0;
        if (heldGeneration == generation) {
            channel.basicAck(heldTag, true);
        }
    }
}
