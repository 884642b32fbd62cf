/**
 * Outbox, inbox and mailbox store in PostgreSQL, MariaDB/MySQL or H2 over a {@link javax.sql.DataSource}: {@link
 * dev.courier.store.jdbc.JdbcOutbox}, {@link dev.courier.store.jdbc.JdbcInbox}, {@link
 * dev.courier.store.jdbc.JdbcMailboxStore}, and {@link
 * dev.courier.store.jdbc.JdbcTransaction} to join the caller's own transaction. Nothing here is null unless a
 * parameter or return value says so.
 */
package dev.courier.store.jdbc;
