package dev.courier.spi;

/**
 * The caller's transaction that {@link Outbox#add} should join. Each store offers its own kind (a JDBC
 * {@code Connection}, for example); {@link #NONE} lets the outbox use a transaction of its own.
 */
public interface OutboxTransaction {
    OutboxTransaction NONE = new OutboxTransaction() {
        @Override
        public String toString() {
            return "OutboxTransaction.NONE";
        }
    };
}
