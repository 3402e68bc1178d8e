package dev.tether.lambda.link;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A data source that lends the link's one connection, for Flyway: every {@code getConnection()} is that connection,
 * and closing what it lent leaves the connection open for the link. Migrating on the connection the link already
 * holds costs no second login and cannot wait on itself. Before each statement Flyway creates, {@code beforeStatement}
 * runs (the link bounds the statement by the time left, as it does for its own).
 */
final class OneConnectionDataSource extends LinkDataSource {

    /** Work before a statement is created on the lent connection. */
    @FunctionalInterface
    interface BeforeStatement {
        void run(Connection connection) throws SQLException;
    }

    private final Connection connection;
    private final BeforeStatement beforeStatement;

    OneConnectionDataSource(Connection connection, BeforeStatement beforeStatement) {
        this.connection = connection;
        this.beforeStatement = beforeStatement;
    }

    @Override
    public Connection getConnection() {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            return null;
                        case "isClosed":
                            return connection.isClosed();
                        case "unwrap":
                            return connection.unwrap((Class<?>) args[0]);
                        case "isWrapperFor":
                            return connection.isWrapperFor((Class<?>) args[0]);
                        case "createStatement":
                        case "prepareStatement":
                        case "prepareCall":
                            beforeStatement.run(connection);
                            return invoke(method, args);
                        default:
                            return invoke(method, args);
                    }
                });
    }

    private Object invoke(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
