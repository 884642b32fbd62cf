/**
 * The message model: what a request becomes on its way through an outbox and a broker, and the mappers that
 * turn one into the other.
 */
package dev.courier.message;
