package dev.tether.processor.link;

import com.mysql.cj.jdbc.JdbcConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Notes, without a round trip, which physical connection served a transaction: Connector/J knows the server's
 * connection id from the handshake. A new id means the link had to connect again.
 */
final class ConnectionTracker {

    private long currentId = -1;
    private long openedAtMillis;
    private long opened;
    private boolean lastWasNew;

    /** Records that {@code connection} serves the next transaction; true when it is not the one the last used. */
    synchronized boolean track(Connection connection) throws SQLException {
        long id = connection.unwrap(JdbcConnection.class).getId();
        lastWasNew = id != currentId;
        if (lastWasNew) {
            currentId = id;
            openedAtMillis = System.currentTimeMillis();
            opened++;
        }
        return lastWasNew;
    }

    synchronized long opened() {
        return opened;
    }

    synchronized boolean lastWasNew() {
        return lastWasNew;
    }

    synchronized long currentConnectionId() {
        return currentId;
    }

    synchronized long connectionAgeMillis() {
        return currentId < 0 ? 0 : System.currentTimeMillis() - openedAtMillis;
    }
}
