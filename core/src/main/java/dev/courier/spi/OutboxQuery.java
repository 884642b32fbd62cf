package dev.courier.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Which stored messages {@link Outbox#query} returns: those in one state that pass every filter set (an unset one,
 * null, passes everything), in {@link OutboxEntry#ORDER}, at most {@code limit}, and for every page after the first
 * only those after the previous page's last entry. Start with {@link #of}, or {@link #builder} to narrow by topic
 * and creation time, and page with {@link #nextPage}, which returns the next page's query.
 *
 * <pre>{@code
 * OutboxQuery query = OutboxQuery.builder(OutboxState.PARKED, 100).topic("orders").build();
 * for (List<OutboxEntry> page = outbox.query(query); !page.isEmpty(); page = outbox.query(query)) {
 *     page.forEach(entry -> System.out.println(entry.message().id() + " " + entry.lastRefusal()));
 *     query = query.nextPage(page.get(page.size() - 1));
 * }
 * }</pre>
 *
 * @param state          the state of the messages wanted
 * @param topic          the topic, exactly; null for any
 * @param createdFrom    stored at or after this time; null for no lower bound
 * @param createdBefore  stored before this time; null for no upper bound
 * @param afterCreatedAt with {@code afterId}, the paging cursor: only entries strictly after (createdAt, id) in
 *                       {@link OutboxEntry#ORDER}; null, with {@code afterId}, for the first page
 * @param afterId        the cursor's message id; null exactly when {@code afterCreatedAt} is
 * @param limit          the most entries returned, from 1 to {@value #MAX_LIMIT}
 */
public record OutboxQuery(OutboxState state, String topic, Instant createdFrom, Instant createdBefore,
        Instant afterCreatedAt, UUID afterId, int limit) {

    /** The largest page a query may ask for. */
    public static final int MAX_LIMIT = 10_000;

    public OutboxQuery {
        Objects.requireNonNull(state, "state");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + " but was " + limit);
        }
        if ((afterCreatedAt == null) != (afterId == null)) {
            throw new IllegalArgumentException("the paging cursor needs both afterCreatedAt and afterId, or neither,"
                    + " but was afterCreatedAt=" + afterCreatedAt + ", afterId=" + afterId);
        }
        if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
            throw new IllegalArgumentException("the creation time range is empty: createdFrom " + createdFrom
                    + " is not before createdBefore " + createdBefore);
        }
    }

    /** The first page of up to {@code limit} messages in {@code state}, with no filter. */
    public static OutboxQuery of(OutboxState state, int limit) {
        return new OutboxQuery(state, null, null, null, null, null, limit);
    }

    /** A query built up filter by filter: messages in {@code state}, at most {@code limit} a page. */
    public static Builder builder(OutboxState state, int limit) {
        return new Builder(state, limit);
    }

    /** The query for the page after the one that ended with {@code last}: the same filters, after {@code last}. */
    public OutboxQuery nextPage(OutboxEntry last) {
        Objects.requireNonNull(last, "last");
        return new OutboxQuery(state, topic, createdFrom, createdBefore, last.createdAt(), last.message().id(), limit);
    }

    /** Whether {@code entry} is in this query's state, passes its filters and lies after its cursor. */
    public boolean matches(OutboxEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Instant created = entry.createdAt();
        if (entry.state() != state || (topic != null && !topic.equals(entry.message().topic()))
                || (createdFrom != null && created.isBefore(createdFrom))
                || (createdBefore != null && !created.isBefore(createdBefore))) {
            return false;
        }
        if (afterCreatedAt == null) {
            return true;
        }
        int byTime = created.compareTo(afterCreatedAt);
        return byTime > 0 || (byTime == 0 && OutboxEntry.compareIds(entry.message().id(), afterId) > 0);
    }

    /** Builds an {@link OutboxQuery}: the first page, with the filters set. */
    public static final class Builder {
        private final OutboxState state;
        private final int limit;
        private String topic;
        private Instant createdFrom;
        private Instant createdBefore;

        private Builder(OutboxState state, int limit) {
            this.state = state;
            this.limit = limit;
        }

        /** Only messages of this topic, exactly; null for any. */
        public Builder topic(String value) {
            topic = value;
            return this;
        }

        /** Only messages stored at or after this time; null for no lower bound. */
        public Builder createdFrom(Instant value) {
            createdFrom = value;
            return this;
        }

        /** Only messages stored before this time; null for no upper bound. */
        public Builder createdBefore(Instant value) {
            createdBefore = value;
            return this;
        }

        public OutboxQuery build() {
            return new OutboxQuery(state, topic, createdFrom, createdBefore, null, null, limit);
        }
    }
}
