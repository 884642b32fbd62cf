package dev.courier;

/**
 * A channel's state as a {@link dev.courier.runtime.Dispatcher} sees it, for health checks and operators.
 *
 * @param channel      the channel name
 * @param topic        the topic it reads
 * @param status       running, failing (running, but a performer cannot reach the broker), paused (by the
 *                     dispatcher, with a reason) or stopped
 * @param reason       why it is failing, paused or stopped; empty while running
 * @param performers   pump threads alive now
 * @param acknowledged messages handled and acknowledged since the dispatcher was built
 * @param requeued     messages put back after a failure or deferral
 * @param deadLettered messages moved to the dead letters
 * @param endpoint     where its performers read from just now (a broker node's {@code host:port}, several
 *                     separated by ", "); empty when the transport names none
 */
public record ChannelState(String channel, String topic, Status status, String reason, int performers,
        long acknowledged, long requeued, long deadLettered, String endpoint) {

    /** What a channel is doing. */
    public enum Status {
        RUNNING,
        /**
         * Started, but at least one performer's last receive or settle failed (the broker is unreachable, the
         * connection dropped): it is backing off and reconnecting, and nothing is handled meanwhile. The reason
         * holds the last failure. Back to {@link #RUNNING} on its own once every performer receives again.
         */
        FAILING,
        /**
         * Running, but the broker blocks what the channel publishes (a memory or disk alarm on RabbitMQ): messages
         * are received, handled and acknowledged, while requeues and dead letters wait until the alarm clears. The
         * reason is the broker's.
         */
        BLOCKED,
        /** Stopped by the dispatcher itself, for example after too many unacceptable messages. */
        PAUSED,
        STOPPED
    }
}
