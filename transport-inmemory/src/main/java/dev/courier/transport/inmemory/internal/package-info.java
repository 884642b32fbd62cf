/** The in-memory broker's channel queues. Not API: may change in any release. */
package dev.courier.transport.inmemory.internal;
