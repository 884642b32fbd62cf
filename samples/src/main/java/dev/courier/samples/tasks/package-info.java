/**
 * The tasks sample: an HTTP API that posts {@link dev.courier.samples.tasks.TaskReminder} commands through a JDBC
 * outbox, and a consumer that mails them; runnable embedded (in-memory transport, H2) or on RabbitMQ and PostgreSQL.
 * Parameters and return values are never null unless documented otherwise.
 */
package dev.courier.samples.tasks;
