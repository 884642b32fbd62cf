/**
 * The message model: what a request becomes on its way through an outbox and a broker (header, body, type). It
 * depends on nothing else in Courier; the mappers that turn requests into messages are in
 * {@link dev.courier.mapping}.
 */
package dev.courier.message;
