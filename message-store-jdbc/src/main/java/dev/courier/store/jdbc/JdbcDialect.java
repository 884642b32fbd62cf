package dev.courier.store.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/** The databases the JDBC store supports; each has its own DDL resource and a few differences in SQL. */
public enum JdbcDialect {
    /** PostgreSQL 11 or later. */
    POSTGRESQL("postgresql.sql", true),
    /** MariaDB 10.6 or later, and MySQL 8.0 or later. */
    MARIADB("mariadb.sql", false),
    /** H2 2.x. */
    H2("h2.sql", true);

    private final String ddlFile;
    private final boolean nativeUuid;

    JdbcDialect(String ddlFile, boolean nativeUuid) {
        this.ddlFile = ddlFile;
        this.nativeUuid = nativeUuid;
    }

    /** The class-path resource with this dialect's DDL, for users who apply it themselves. */
    public String ddlResource() {
        return "dev/courier/store/jdbc/" + ddlFile;
    }

    /** Whether ids are stored in a UUID column (rather than as 36 characters). */
    public boolean nativeUuid() {
        return nativeUuid;
    }

    /** The dialect of the database {@code metaData} describes, or empty when it is none of the supported ones. */
    public static Optional<JdbcDialect> detect(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgresql")) {
            return Optional.of(POSTGRESQL);
        }
        if (product.contains("mariadb") || product.contains("mysql")) {
            return Optional.of(MARIADB);
        }
        if (product.equals("h2")) {
            return Optional.of(H2);
        }
        return Optional.empty();
    }

    /**
     * Why the database version cannot run this store (it lacks {@code FOR UPDATE SKIP LOCKED}), or empty when it can.
     */
    public Optional<String> unsupportedVersion(DatabaseMetaData metaData) throws SQLException {
        int major = metaData.getDatabaseMajorVersion();
        int minor = metaData.getDatabaseMinorVersion();
        String product = metaData.getDatabaseProductName();
        String version = metaData.getDatabaseProductVersion();
        boolean mariaDb = version.toLowerCase(Locale.ROOT).contains("mariadb")
                || product.toLowerCase(Locale.ROOT).contains("mariadb");
        boolean supported = switch (this) {
            case POSTGRESQL -> major >= 11;
            case MARIADB -> mariaDb ? major > 10 || (major == 10 && minor >= 6) : major >= 8;
            case H2 -> major >= 2;
        };
        return supported ? Optional.empty()
                : Optional.of(product + " " + version + " lacks FOR UPDATE SKIP LOCKED; the store needs "
                        + (this == MARIADB ? "MariaDB 10.6+ or MySQL 8.0+" : this == H2 ? "H2 2.x" : "PostgreSQL 11+"));
    }

    /** Whether {@code e} (or one chained to it) reports a violated unique or primary key. */
    public boolean isDuplicateKey(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if ("23505".equals(current.getSQLState()) || current.getErrorCode() == 1062
                    || (this == MARIADB && "23000".equals(current.getSQLState())
                    && String.valueOf(current.getMessage()).toLowerCase(Locale.ROOT).contains("duplicate"))) {
                return true;
            }
        }
        return false;
    }
}
