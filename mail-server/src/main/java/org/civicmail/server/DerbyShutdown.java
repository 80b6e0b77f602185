package org.civicmail.server;

import java.sql.Connection;
import java.sql.SQLException;

import org.apache.derby.jdbc.EmbeddedDataSource;

/**
 * Shuts one embedded Derby database down cleanly when the server stops. Derby's clean shutdown ends with a
 * checkpoint, so the next boot has no log to replay. Without it every start after a stop ran crash recovery over the
 * log written since the last checkpoint (up to {@code derby.storage.checkpointInterval}, 100 MiB): after a broadcast
 * to 100,000 citizens that was 14 s for CivicMail's database and 9 s for James's, the growth of the start-up time
 * with N (BROADCAST.md, "Start-up"). Only the one database is shut down, not the Derby system: other servers in the
 * same JVM (the in-process test servers) keep theirs.
 */
final class DerbyShutdown {
    /** The SQLState with which Derby reports that a database was shut down (the success of a shutdown request). */
    private static final String SHUT_DOWN = "08006";
    /** The SQLState of a database that is not booted (nothing to shut down). */
    private static final String NOT_BOOTED = "XJ004";

    private DerbyShutdown() {
    }

    /** Shuts down the database in directory {@code location}; nothing happens when it is not open in this JVM. */
    static void shutdown(String location) throws SQLException {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(location);
        ds.setShutdownDatabase("shutdown");
        try (Connection ignored = ds.getConnection()) {
            throw new IllegalStateException("Derby did not shut down database " + location + " (it returned a connection)");
        } catch (SQLException e) {
            if (!SHUT_DOWN.equals(e.getSQLState()) && !NOT_BOOTED.equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}
