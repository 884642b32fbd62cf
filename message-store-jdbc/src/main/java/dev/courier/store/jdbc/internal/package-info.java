/** Implementation details of the JDBC message store: SQL, row mapping, schema checks. Not an API. */
package dev.courier.store.jdbc.internal;
