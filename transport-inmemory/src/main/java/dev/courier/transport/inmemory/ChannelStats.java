package dev.courier.transport.inmemory;

/**
 * A snapshot of one channel's counts.
 *
 * @param channel      the channel's name
 * @param topic        the topic it is subscribed to
 * @param ready        messages waiting that a consumer could take now
 * @param delayed      messages waiting for their delay (a posted delay or a requeue delay) to pass
 * @param inFlight     messages a consumer has received and not yet settled
 * @param acknowledged messages acknowledged since the channel was made
 * @param deadLettered messages rejected to the dead letters since the channel was made
 */
public record ChannelStats(
        String channel, String topic, int ready, int delayed, int inFlight, long acknowledged, long deadLettered) {

    /** Messages not yet received: ready plus delayed. */
    public int pending() {
        return ready + delayed;
    }

    /** Messages the channel still holds and that are not settled: pending plus in flight. */
    public int unsettled() {
        return pending() + inFlight;
    }
}
