package dev.tether.processor.link;

import com.mysql.cj.jdbc.JdbcConnection;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.ConnectionProvider;
import org.jooq.exception.DataAccessException;

/**
 * Hands jOOQ the pool's connection and notes, without a round trip, which physical connection it is: Connector/J
 * knows the server's connection id from the handshake. A new id means the link had to connect again.
 */
final class TrackingConnectionProvider implements ConnectionProvider {

    private final DataSource dataSource;
    private long currentId = -1;
    private long openedAtMillis;
    private long connectionsOpened;
    private boolean lastWasNew;

    TrackingConnectionProvider(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public synchronized Connection acquire() {
        try {
            Connection connection = dataSource.getConnection();
            long id = connection.unwrap(JdbcConnection.class).getId();
            lastWasNew = id != currentId;
            if (lastWasNew) {
                currentId = id;
                openedAtMillis = System.currentTimeMillis();
                connectionsOpened++;
            }
            return connection;
        } catch (SQLException e) {
            throw new DataAccessException("could not get the database connection: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new DataAccessException("could not return the database connection to the pool", e);
        }
    }

    synchronized long connectionsOpened() {
        return connectionsOpened;
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
