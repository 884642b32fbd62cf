/**
 * The tasks sample as a Spring Boot application: {@code POST /tasks/{id}/reminders} writes the reminder and posts its
 * command in one {@code @Transactional} method; a handler bean mails it; health and metrics on the actuator.
 */
package dev.courier.samples.boot;
