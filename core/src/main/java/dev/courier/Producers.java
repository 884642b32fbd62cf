package dev.courier;

import dev.courier.spi.MessageProducer;
import dev.courier.spi.Transport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Which producer sends each topic's messages: one per topic, or one for every topic (as a broker connection
 * usually is). Fill it before building the processor.
 */
public final class Producers {
    private final Map<String, MessageProducer> byTopic = new LinkedHashMap<>();
    private MessageProducer forAll;

    /** The transport's producer for every topic. */
    public static Producers of(Transport transport) {
        return of(Objects.requireNonNull(transport, "transport").producer());
    }

    /** One producer for every topic. */
    public static Producers of(MessageProducer producer) {
        Producers producers = new Producers();
        producers.forAll = Objects.requireNonNull(producer, "producer");
        return producers;
    }

    /** A producer for one topic; it takes precedence over the one for every topic. */
    public Producers add(String topic, MessageProducer producer) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(producer, "producer for topic '" + topic + "'");
        if (byTopic.putIfAbsent(topic, producer) != null) {
            throw new IllegalArgumentException("topic '" + topic + "' already has a producer");
        }
        return this;
    }

    /** The producer for {@code topic}, or null when there is none. */
    public MessageProducer forTopic(String topic) {
        MessageProducer producer = byTopic.get(topic);
        return producer != null ? producer : forAll;
    }

    /**
     * The producer for {@code topic}.
     *
     * @throws ProducerException naming the topic and {@code what} (the messages that could not be sent) when there
     *                           is none
     */
    public MessageProducer require(String topic, Supplier<String> what) {
        MessageProducer producer = forTopic(topic);
        if (producer == null) {
            throw new ProducerException("No producer for topic '" + topic + "' (" + what.get() + "); add one with "
                    + "Producers.add(\"" + topic + "\", producer) or Producers.of(transport)");
        }
        return producer;
    }

    /** A snapshot: the same producers in a registry of its own, as a builder takes it. */
    public Producers copy() {
        Producers copy = new Producers();
        copy.byTopic.putAll(byTopic);
        copy.forAll = forAll;
        return copy;
    }
}
