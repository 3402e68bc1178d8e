package dev.tether.lambda.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.lambda.config.TetherConfig;
import dev.tether.testing.Sql;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Credentials from a secret: cached, and read again once when the database refuses them after a rotation. */
class SecretRotationIT {

    @Test
    void aRotatedPasswordIsPickedUpWithoutARestart() {
        Database database = TestDatabase.fresh("tether_it_secret");
        for (String host : new String[] {"%", "localhost"}) {
            Sql.execute(
                    database,
                    "DROP USER IF EXISTS 'tether_rot'@'" + host + "'",
                    "CREATE USER 'tether_rot'@'" + host + "' IDENTIFIED BY 'first'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON tether_it_secret.* TO 'tether_rot'@'" + host + "'");
        }
        // Stands in for Secrets Manager's GetSecretValue: the secret text as the rotation leaves it.
        AtomicReference<String> secret = new AtomicReference<>("{\"username\":\"tether_rot\",\"password\":\"first\"}");
        AtomicInteger reads = new AtomicInteger();
        SecretCredentials credentials = new SecretCredentials(() -> {
            reads.incrementAndGet();
            return secret.get();
        });
        TetherConfig config = TetherConfig.of(database.url(), null, null, database.dialect());
        try (DatabaseLink link = new DatabaseLink(config, credentials)) {
            assertThat(selectOne(link)).isEqualTo(1);
            int readsBefore = reads.get();

            // The rotation: the database gets a new password, the secret the same; the old session is gone.
            for (String host : new String[] {"%", "localhost"}) {
                Sql.execute(database, "ALTER USER 'tether_rot'@'" + host + "' IDENTIFIED BY 'second'");
            }
            secret.set("{\"username\":\"tether_rot\",\"password\":\"second\"}");
            Sql.execute(database, "KILL CONNECTION " + link.connectionId());

            assertThat(selectOne(link)).isEqualTo(1);
            assertThat(reads.get()).as("the secret was read again, once").isEqualTo(readsBefore + 1);
        }
    }

    private static int selectOne(DatabaseLink link) {
        return link.inTransaction(tx -> tx.dsl().selectOne().fetchOne(0, int.class));
    }
}
