package dev.tether.lambda.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

class TetherConfigTest {

    @Test
    void readsTheVariablesWithTheirDefaults() {
        TetherConfig config = TetherConfig.fromEnvironment(Map.of(
                "TETHER_DB_URL", "jdbc:mysql://db:3306/tether", "TETHER_DB_USER", "app", "TETHER_DB_PASSWORD", "pw"));

        assertThat(config.dbUrl()).isEqualTo("jdbc:mysql://db:3306/tether");
        assertThat(config.dbUser()).isEqualTo("app");
        assertThat(config.dbPassword()).isEqualTo("pw");
        assertThat(config.dialect())
                .as("unset: chosen from the server, MYSQL unless it is MariaDB")
                .isEqualTo(SQLDialect.DEFAULT);
        assertThat(config.migrate()).isTrue();
        assertThat(config.maxStatementBytes()).isEqualTo(TetherConfig.DEFAULT_MAX_STATEMENT_BYTES);
    }

    @Test
    void classicLambdaHoldsOneConnectionWhateverThePoolSizeSays() {
        assertThat(pool(Map.of())).isEqualTo(1);
        assertThat(pool(Map.of("TETHER_DB_POOL_SIZE", "8"))).isEqualTo(1);
        assertThat(pool(Map.of("AWS_LAMBDA_MAX_CONCURRENCY", "1", "TETHER_DB_POOL_SIZE", "8")))
                .isEqualTo(1);
    }

    @Test
    void managedInstancesGetTheConfiguredPoolNeverMoreThanTheConcurrency() {
        assertThat(pool(Map.of("AWS_LAMBDA_MAX_CONCURRENCY", "32"))).isEqualTo(TetherConfig.DEFAULT_MANAGED_POOL_SIZE);
        assertThat(pool(Map.of("AWS_LAMBDA_MAX_CONCURRENCY", "2"))).isEqualTo(2);
        assertThat(pool(Map.of("AWS_LAMBDA_MAX_CONCURRENCY", "32", "TETHER_DB_POOL_SIZE", "10")))
                .isEqualTo(10);
        assertThat(pool(Map.of("AWS_LAMBDA_MAX_CONCURRENCY", "6", "TETHER_DB_POOL_SIZE", "10")))
                .isEqualTo(6);
    }

    @Test
    void aMalformedPoolSizeFailsNamingTheVariable() {
        for (String bad : new String[] {"0", "-1", "four", "1601"}) {
            assertThatThrownBy(() -> pool(Map.of("AWS_LAMBDA_MAX_CONCURRENCY", "8", "TETHER_DB_POOL_SIZE", bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("TETHER_DB_POOL_SIZE")
                    .hasMessageContaining(bad);
        }
    }

    private static int pool(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("TETHER_DB_URL", "jdbc:mysql://db:3306/tether");
        return TetherConfig.fromEnvironment(all).poolSize();
    }

    @Test
    void aMissingUrlFailsNamingTheVariable() {
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(Map.of("TETHER_DB_USER", "app")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TETHER_DB_URL");
    }

    @Test
    void aUrlOfAnotherDatabaseFailsNamingTheVariable() {
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(Map.of("TETHER_DB_URL", "jdbc:postgresql://db/x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TETHER_DB_URL");
    }

    @Test
    void acceptsMariaDbsUrlFormAndTheMariaDbDialect() {
        TetherConfig config = TetherConfig.fromEnvironment(
                Map.of("TETHER_DB_URL", "jdbc:mariadb://db:3306/t", "TETHER_DB_DIALECT", "mariadb"));

        assertThat(config.dbUrl()).isEqualTo("jdbc:mysql://db:3306/t");
        assertThat(config.dialect()).isEqualTo(SQLDialect.MARIADB);
    }

    @Test
    void anUnknownDialectFailsNamingTheVariable() {
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(
                        Map.of("TETHER_DB_URL", "jdbc:mysql://db/t", "TETHER_DB_DIALECT", "POSTGRES")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TETHER_DB_DIALECT");
    }

    @Test
    void malformedFlagsAndSizesFailNamingTheVariable() {
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(
                        Map.of("TETHER_DB_URL", "jdbc:mysql://db/t", "TETHER_DB_MIGRATE", "yes")))
                .hasMessageContaining("TETHER_DB_MIGRATE");
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(
                        Map.of("TETHER_DB_URL", "jdbc:mysql://db/t", "TETHER_MAX_STATEMENT_BYTES", "12")))
                .hasMessageContaining("TETHER_MAX_STATEMENT_BYTES");
    }

    @Test
    void neverPrintsThePassword() {
        TetherConfig config = TetherConfig.fromEnvironment(
                Map.of("TETHER_DB_URL", "jdbc:mysql://db/t?password=hunter2", "TETHER_DB_PASSWORD", "hunter3"));

        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("hunter3");
    }

    @Test
    void credentialVariablesAreCheckedAtStart() {
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(
                        Map.of("TETHER_DB_URL", "jdbc:mysql://db/t", "TETHER_DB_IAM_AUTH", "true")))
                .hasMessageContaining("AWS_REGION");
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(
                        Map.of("TETHER_DB_URL", "jdbc:mysql://db/t", "TETHER_DB_SECRET_ARN", "my-secret")))
                .hasMessageContaining("TETHER_DB_SECRET_ARN");
        assertThatThrownBy(() -> TetherConfig.fromEnvironment(Map.of(
                        "TETHER_DB_URL",
                        "jdbc:mysql://db/t",
                        "TETHER_DB_SECRET_ARN",
                        "arn:aws:secretsmanager:eu-west-1:1:secret:x",
                        "TETHER_DB_IAM_AUTH",
                        "true",
                        "AWS_REGION",
                        "eu-west-1")))
                .hasMessageContaining("exclude each other");
    }

    @Test
    void primingFollowsSnapStartUnlessSet() {
        assertThat(TetherConfig.fromEnvironment(Map.of("TETHER_DB_URL", "jdbc:mysql://db/t"))
                        .prime())
                .isFalse();
        assertThat(TetherConfig.fromEnvironment(Map.of(
                                "TETHER_DB_URL", "jdbc:mysql://db/t", "AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"))
                        .prime())
                .isTrue();
        assertThat(TetherConfig.fromEnvironment(Map.of("TETHER_DB_URL", "jdbc:mysql://db/t", "TETHER_PRIME", "true"))
                        .prime())
                .isTrue();
    }
}
