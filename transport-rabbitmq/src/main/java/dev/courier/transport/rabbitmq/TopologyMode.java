package dev.courier.transport.rabbitmq;

/** What the transport does about exchanges and queues when it starts a producer or a consumer. */
public enum TopologyMode {
    /** Declare everything that is missing (idempotent; fails if something exists with other arguments). */
    CREATE,
    /** Check that the exchange, the work queue and the dead-letter queue exist; fail naming the missing one. */
    VALIDATE,
    /** Declare and check nothing: an operator made the topology (the delay levels included). */
    ASSUME
}
