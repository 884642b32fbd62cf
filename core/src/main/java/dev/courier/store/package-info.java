/** In-memory outbox and inbox: the zero-setup defaults, lost when the process ends. */
package dev.courier.store;
