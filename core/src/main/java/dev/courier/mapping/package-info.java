/**
 * Turning requests into messages and back: {@link dev.courier.mapping.MessageMappers}, the registry of request types
 * with their topics and mappers, the default {@link dev.courier.mapping.JsonMessageMapper} and its
 * {@link dev.courier.mapping.JsonLimits}, and {@link dev.courier.mapping.Topic}.
 */
package dev.courier.mapping;
