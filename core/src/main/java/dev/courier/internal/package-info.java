/** Implementation details; nothing here is API and any of it may change without notice. */
package dev.courier.internal;
