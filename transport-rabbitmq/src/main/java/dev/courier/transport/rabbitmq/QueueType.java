package dev.courier.transport.rabbitmq;

/** The kind of RabbitMQ queue a channel's work queue is declared as. */
public enum QueueType {
    /** A durable classic queue: single node, lowest latency. */
    CLASSIC("classic"),
    /** A durable quorum queue: replicated (Raft), for clusters; tracks a broker-side delivery count. */
    QUORUM("quorum");

    private final String argument;

    QueueType(String argument) {
        this.argument = argument;
    }

    /** The value of the {@code x-queue-type} argument. */
    public String argument() {
        return argument;
    }
}
