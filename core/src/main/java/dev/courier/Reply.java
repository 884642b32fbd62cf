package dev.courier;

import java.util.UUID;

/**
 * The answer to a request sent with {@link dev.courier.runtime.CommandProcessor#call}: it carries the id of the request it answers.
 * A handler sends one with {@link dev.courier.runtime.CommandProcessor#reply(Reply, RequestContext)}.
 *
 * <pre>{@code
 * public record PriceQuote(UUID id, UUID correlationId, BigDecimal price) implements Reply {}
 * }</pre>
 */
public interface Reply extends Request {
    /**
     * How every default reply address starts ({@code courier.reply.<random UUID>}). Transports may treat channels
     * with this prefix as short-lived (the RabbitMQ transport makes them non-durable queues that expire when unused).
     */
    String ADDRESS_PREFIX = "courier.reply.";

    /** The id of the request this answers. */
    UUID correlationId();
}
