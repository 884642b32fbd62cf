package dev.courier.transport.inmemory.internal;

/** What a received message carries to be settled: its channel and its delivery tag there. */
public record Receipt(ChannelQueue channel, long tag) {
    @Override
    public String toString() {
        return "Receipt[channel=" + channel.name() + ", tag=" + tag + "]";
    }
}
