package dev.courier.transport.inmemory.internal;

/**
 * What a received message carries to be settled: its channel, its delivery tag there, and (for the channel only)
 * the entry it was delivered from, so that settling it needs no lookup.
 */
public final class Receipt {
    private final ChannelQueue channel;
    private final long tag;
    final Entry entry;

    Receipt(ChannelQueue channel, long tag, Entry entry) {
        this.channel = channel;
        this.tag = tag;
        this.entry = entry;
    }

    public ChannelQueue channel() {
        return channel;
    }

    public long tag() {
        return tag;
    }

    @Override
    public String toString() {
        return "Receipt[channel=" + channel.name() + ", tag=" + tag + "]";
    }
}
