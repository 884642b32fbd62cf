package dev.courier;

/**
 * A channel's state as a {@link Dispatcher} sees it, for health checks and operators.
 *
 * @param channel      the channel name
 * @param topic        the topic it reads
 * @param status       running, paused (by the dispatcher, with a reason) or stopped
 * @param reason       why it is paused or stopped; empty while running
 * @param performers   pump threads alive now
 * @param acknowledged messages handled and acknowledged since the dispatcher was built
 * @param requeued     messages put back after a failure or deferral
 * @param deadLettered messages moved to the dead letters
 */
public record ChannelState(String channel, String topic, Status status, String reason, int performers,
        long acknowledged, long requeued, long deadLettered) {

    /** What a channel is doing. */
    public enum Status {
        RUNNING,
        /** Stopped by the dispatcher itself, for example after too many unacceptable messages. */
        PAUSED,
        STOPPED
    }
}
